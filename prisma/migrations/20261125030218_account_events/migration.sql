-- CreateTable
CREATE TABLE "AccountEvent" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "txHash" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,
    "asset" TEXT NOT NULL,
    "amount" DECIMAL(65,30) NOT NULL,
    "priceUsd" DECIMAL(65,30),
    "collateralAsset" TEXT,
    "collateralAmount" DECIMAL(65,30),
    "raw" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccountEvent_accountId_time_idx" ON "AccountEvent"("accountId", "time" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "AccountEvent_accountId_kind_eventId_key" ON "AccountEvent"("accountId", "kind", "eventId");

-- AddForeignKey
ALTER TABLE "AccountEvent" ADD CONSTRAINT "AccountEvent_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
