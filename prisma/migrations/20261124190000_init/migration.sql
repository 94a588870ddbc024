-- CreateEnum
CREATE TYPE "AccountStatus" AS ENUM ('pending', 'ok', 'failed', 'unauthorized');

-- CreateEnum
CREATE TYPE "SnapshotStatus" AS ENUM ('ok', 'failed');

-- CreateEnum
CREATE TYPE "InstrumentKind" AS ENUM ('spot', 'perpetual', 'future', 'option', 'lending');

-- CreateEnum
CREATE TYPE "BalanceKind" AS ENUM ('collateral', 'debt', 'wallet');

-- CreateEnum
CREATE TYPE "MarginSource" AS ENUM ('venue', 'replicated');

-- CreateEnum
CREATE TYPE "MarginCallLevel" AS ENUM ('warning', 'call', 'critical');

-- CreateTable
CREATE TABLE "Portfolio" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Portfolio_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "portfolioId" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "credentials" TEXT,
    "status" "AccountStatus" NOT NULL DEFAULT 'pending',
    "lastError" TEXT,
    "lastAttemptAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Snapshot" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "status" "SnapshotStatus" NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "blockNumber" BIGINT,
    "durationMs" INTEGER NOT NULL,
    "error" TEXT,
    "raw" JSONB,

    CONSTRAINT "Snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Instrument" (
    "id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "venueSymbol" TEXT NOT NULL,
    "kind" "InstrumentKind" NOT NULL,
    "underlying" TEXT NOT NULL,
    "quote" TEXT NOT NULL,
    "settlement" TEXT NOT NULL,
    "inverse" BOOLEAN NOT NULL DEFAULT false,
    "contractSize" DECIMAL(65,30),
    "expiry" TIMESTAMP(3),
    "strike" DECIMAL(65,30),
    "optionType" TEXT,

    CONSTRAINT "Instrument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Position" (
    "id" TEXT NOT NULL,
    "snapshotId" TEXT NOT NULL,
    "instrumentId" TEXT NOT NULL,
    "size" DECIMAL(65,30) NOT NULL,
    "entryPrice" DECIMAL(65,30),
    "markPrice" DECIMAL(65,30),
    "liquidationPrice" DECIMAL(65,30),
    "notional" DECIMAL(65,30),
    "unrealizedPnl" DECIMAL(65,30),
    "leverage" DECIMAL(65,30),
    "marginMode" TEXT,
    "venueInitialMargin" DECIMAL(65,30),
    "venueMaintenanceMargin" DECIMAL(65,30),
    "flags" TEXT[],
    "raw" JSONB NOT NULL,

    CONSTRAINT "Position_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Balance" (
    "id" TEXT NOT NULL,
    "snapshotId" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "canonicalAsset" TEXT NOT NULL,
    "kind" "BalanceKind" NOT NULL,
    "amount" DECIMAL(65,30) NOT NULL,
    "valueUsd" DECIMAL(65,30),
    "priceUsd" DECIMAL(65,30),
    "usableAsCollateral" BOOLEAN,
    "flags" TEXT[],
    "raw" JSONB NOT NULL,

    CONSTRAINT "Balance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VenueMargin" (
    "id" TEXT NOT NULL,
    "snapshotId" TEXT NOT NULL,
    "source" "MarginSource" NOT NULL,
    "currency" TEXT NOT NULL,
    "equity" DECIMAL(65,30),
    "totalCollateral" DECIMAL(65,30),
    "totalDebt" DECIMAL(65,30),
    "initialMargin" DECIMAL(65,30),
    "maintenanceMargin" DECIMAL(65,30),
    "marginRatio" DECIMAL(65,30),
    "healthFactor" DECIMAL(65,30),
    "liquidationThreshold" DECIMAL(65,30),
    "ltv" DECIMAL(65,30),
    "availableBorrows" DECIMAL(65,30),
    "withdrawable" DECIMAL(65,30),
    "details" JSONB,

    CONSTRAINT "VenueMargin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Asset" (
    "symbol" TEXT NOT NULL,
    "factor" TEXT NOT NULL,
    "basisFactor" TEXT,
    "stablecoin" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Asset_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "Price" (
    "id" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "price" DECIMAL(65,30) NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Price_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Candle" (
    "asset" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "open" DECIMAL(65,30) NOT NULL,
    "high" DECIMAL(65,30) NOT NULL,
    "low" DECIMAL(65,30) NOT NULL,
    "close" DECIMAL(65,30) NOT NULL,
    "volume" DECIMAL(65,30) NOT NULL,

    CONSTRAINT "Candle_pkey" PRIMARY KEY ("asset","source","date")
);

-- CreateTable
CREATE TABLE "ImpliedVol" (
    "id" TEXT NOT NULL,
    "underlying" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "expiry" TIMESTAMP(3) NOT NULL,
    "strike" DECIMAL(65,30) NOT NULL,
    "iv" DECIMAL(65,30) NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImpliedVol_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BookDepth" (
    "id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "venueSymbol" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,
    "bid050" DECIMAL(65,30) NOT NULL,
    "ask050" DECIMAL(65,30) NOT NULL,
    "bid100" DECIMAL(65,30) NOT NULL,
    "ask100" DECIMAL(65,30) NOT NULL,
    "bid200" DECIMAL(65,30) NOT NULL,
    "ask200" DECIMAL(65,30) NOT NULL,

    CONSTRAINT "BookDepth_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FundingRate" (
    "id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "venueSymbol" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,
    "rate" DECIMAL(65,30) NOT NULL,

    CONSTRAINT "FundingRate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskRun" (
    "id" TEXT NOT NULL,
    "portfolioId" TEXT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "parameters" JSONB NOT NULL,
    "results" JSONB NOT NULL,

    CONSTRAINT "RiskRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MarginCall" (
    "id" TEXT NOT NULL,
    "portfolioId" TEXT NOT NULL,
    "accountId" TEXT,
    "level" "MarginCallLevel" NOT NULL,
    "metric" TEXT NOT NULL,
    "threshold" DECIMAL(65,30) NOT NULL,
    "value" DECIMAL(65,30) NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "MarginCall_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "portfolioIds" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Webhook" (
    "id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "events" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Account_venue_idx" ON "Account"("venue");

-- CreateIndex
CREATE UNIQUE INDEX "Account_portfolioId_label_key" ON "Account"("portfolioId", "label");

-- CreateIndex
CREATE INDEX "Snapshot_accountId_status_fetchedAt_idx" ON "Snapshot"("accountId", "status", "fetchedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Instrument_venue_venueSymbol_key" ON "Instrument"("venue", "venueSymbol");

-- CreateIndex
CREATE INDEX "Position_snapshotId_idx" ON "Position"("snapshotId");

-- CreateIndex
CREATE INDEX "Balance_snapshotId_idx" ON "Balance"("snapshotId");

-- CreateIndex
CREATE UNIQUE INDEX "VenueMargin_snapshotId_source_key" ON "VenueMargin"("snapshotId", "source");

-- CreateIndex
CREATE INDEX "Price_asset_time_idx" ON "Price"("asset", "time" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Price_asset_source_time_key" ON "Price"("asset", "source", "time");

-- CreateIndex
CREATE INDEX "ImpliedVol_underlying_time_idx" ON "ImpliedVol"("underlying", "time" DESC);

-- CreateIndex
CREATE INDEX "BookDepth_venue_venueSymbol_time_idx" ON "BookDepth"("venue", "venueSymbol", "time" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "FundingRate_venue_venueSymbol_time_key" ON "FundingRate"("venue", "venueSymbol", "time");

-- CreateIndex
CREATE INDEX "RiskRun_portfolioId_asOf_idx" ON "RiskRun"("portfolioId", "asOf" DESC);

-- CreateIndex
CREATE INDEX "MarginCall_portfolioId_resolvedAt_idx" ON "MarginCall"("portfolioId", "resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_portfolioId_fkey" FOREIGN KEY ("portfolioId") REFERENCES "Portfolio"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Snapshot" ADD CONSTRAINT "Snapshot_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Position" ADD CONSTRAINT "Position_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "Snapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Position" ADD CONSTRAINT "Position_instrumentId_fkey" FOREIGN KEY ("instrumentId") REFERENCES "Instrument"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Balance" ADD CONSTRAINT "Balance_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "Snapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VenueMargin" ADD CONSTRAINT "VenueMargin_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "Snapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RiskRun" ADD CONSTRAINT "RiskRun_portfolioId_fkey" FOREIGN KEY ("portfolioId") REFERENCES "Portfolio"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MarginCall" ADD CONSTRAINT "MarginCall_portfolioId_fkey" FOREIGN KEY ("portfolioId") REFERENCES "Portfolio"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MarginCall" ADD CONSTRAINT "MarginCall_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

