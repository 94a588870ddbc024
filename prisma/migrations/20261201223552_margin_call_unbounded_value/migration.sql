-- AlterTable
ALTER TABLE "MarginCall" ADD COLUMN     "valueNullReason" TEXT,
ALTER COLUMN "value" DROP NOT NULL;

-- Readings at ±∞ used to be stored as ±1e30: they become null, with what they meant (indexer/margin-call-monitor.ts).
UPDATE "MarginCall" SET
  "valueNullReason" = CASE
    WHEN "metric" = 'healthFactor' AND "value" > 0 THEN 'no debt: nothing can be liquidated'
    WHEN "metric" = 'marginLevel' AND "value" > 0 THEN 'no borrowing: nothing can be liquidated'
    WHEN "metric" = 'marginRatio' AND "value" > 0 THEN 'no equity left against a maintenance requirement: at or past liquidation'
    WHEN "metric" = 'unifiedCoverage' AND "value" > 0 THEN 'the unified book needs no initial margin: nothing to cover'
    WHEN "metric" = 'unifiedCoverage' THEN 'the unified book needs no initial margin but its equity is negative'
    ELSE "metric" || ' is ' || CASE WHEN "value" > 0 THEN '+' ELSE '−' END || '∞'
  END,
  "value" = NULL
WHERE abs("value") >= 1e30;
