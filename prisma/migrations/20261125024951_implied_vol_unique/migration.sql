-- CreateIndex
CREATE UNIQUE INDEX "ImpliedVol_source_underlying_expiry_strike_time_key" ON "ImpliedVol"("source", "underlying", "expiry", "strike", "time");
