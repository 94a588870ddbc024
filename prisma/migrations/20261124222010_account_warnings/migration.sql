-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "warnings" TEXT[] DEFAULT ARRAY[]::TEXT[];
