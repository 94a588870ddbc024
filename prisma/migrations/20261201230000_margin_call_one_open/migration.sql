-- AlterTable
ALTER TABLE "MarginCall" ADD COLUMN     "openSubject" TEXT;

-- A race could leave two open calls on one subject: keep the newest open, resolve the others, before the constraint.
UPDATE "MarginCall" AS older SET "resolvedAt" = now(), "resolution" = 'duplicate open call, resolved when the database began to allow one open call per account'
WHERE older."resolvedAt" IS NULL AND EXISTS (
  SELECT 1 FROM "MarginCall" AS newer
  WHERE newer."resolvedAt" IS NULL AND newer."portfolioId" = older."portfolioId"
    AND newer."accountId" IS NOT DISTINCT FROM older."accountId"
    AND (newer."openedAt", newer."id") > (older."openedAt", older."id")
);
UPDATE "MarginCall" SET "openSubject" = "portfolioId" || '|' || COALESCE("accountId", 'unified') WHERE "resolvedAt" IS NULL;

-- CreateIndex
CREATE UNIQUE INDEX "MarginCall_openSubject_key" ON "MarginCall"("openSubject");
