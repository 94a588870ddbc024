-- AlterTable
ALTER TABLE "MarginCall" ADD COLUMN     "reason" TEXT,
ADD COLUMN     "resolution" TEXT;
