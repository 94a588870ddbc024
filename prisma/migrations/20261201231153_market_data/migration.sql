-- AlterTable
ALTER TABLE "BookDepth" ADD COLUMN     "levels" JSONB NOT NULL,
ADD COLUMN     "mid" DECIMAL(65,30) NOT NULL,
ADD COLUMN     "receivedAt" TIMESTAMP(3) NOT NULL,
ALTER COLUMN "bid050" DROP NOT NULL,
ALTER COLUMN "ask050" DROP NOT NULL,
ALTER COLUMN "bid100" DROP NOT NULL,
ALTER COLUMN "ask100" DROP NOT NULL,
ALTER COLUMN "bid200" DROP NOT NULL,
ALTER COLUMN "ask200" DROP NOT NULL;

-- AlterTable
ALTER TABLE "FundingRate" ADD COLUMN     "nextFundingTime" TIMESTAMP(3),
ADD COLUMN     "receivedAt" TIMESTAMP(3) NOT NULL;

-- CreateTable
CREATE TABLE "OpenInterest" (
    "id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "venueSymbol" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "amount" DECIMAL(65,30) NOT NULL,

    CONSTRAINT "OpenInterest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PriceBar" (
    "venue" TEXT NOT NULL,
    "venueSymbol" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "factor" TEXT NOT NULL,
    "start" TIMESTAMP(3) NOT NULL,
    "open" DECIMAL(65,30) NOT NULL,
    "high" DECIMAL(65,30) NOT NULL,
    "low" DECIMAL(65,30) NOT NULL,
    "close" DECIMAL(65,30) NOT NULL,
    "openAt" TIMESTAMP(3) NOT NULL,
    "closeAt" TIMESTAMP(3) NOT NULL,
    "ticks" INTEGER NOT NULL,

    CONSTRAINT "PriceBar_pkey" PRIMARY KEY ("venue","venueSymbol","kind","start")
);

-- CreateIndex
CREATE INDEX "OpenInterest_time_idx" ON "OpenInterest"("time");

-- CreateIndex
CREATE UNIQUE INDEX "OpenInterest_venue_venueSymbol_time_key" ON "OpenInterest"("venue", "venueSymbol", "time");

-- CreateIndex
CREATE INDEX "PriceBar_factor_start_idx" ON "PriceBar"("factor", "start" DESC);

-- CreateIndex
CREATE INDEX "PriceBar_start_idx" ON "PriceBar"("start");

-- CreateIndex
CREATE INDEX "BookDepth_time_idx" ON "BookDepth"("time");

-- CreateIndex
CREATE INDEX "FundingRate_time_idx" ON "FundingRate"("time");
