-- AlterTable
ALTER TABLE "ImpliedVol" ADD COLUMN     "forwardRatio" DECIMAL(65,30);
