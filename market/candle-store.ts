// Daily candles in PostgreSQL: written once per (asset, source, day), read back as the risk engine's PriceHistory.
import type { PrismaClient } from '../generated/prisma/client.js'
import type { PriceHistory } from '../risk/types.js'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { alignHistories, readCandlesCsv, type Candle } from './price-csv.js'

const CHUNK = 1_000

/** Inserts candles not stored yet; returns how many were new. Existing days are never overwritten. */
export async function storeCandles(prisma: PrismaClient, asset: string, source: string, candles: Candle[]): Promise<number> {
  let created = 0
  for (let i = 0; i < candles.length; i += CHUNK) {
    const result = await prisma.candle.createMany({
      data: candles.slice(i, i + CHUNK).map((c) => ({ asset, source, date: new Date(`${c.date}T00:00:00Z`), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume })),
      skipDuplicates: true,
    })
    created += result.count
  }
  return created
}

/** Every stored asset's closes from one source on one calendar, or null when nothing is stored. */
export async function loadPriceHistory(prisma: PrismaClient, source = 'binance-spot'): Promise<PriceHistory | null> {
  const rows = await prisma.candle.findMany({ where: { source }, orderBy: [{ asset: 'asc' }, { date: 'asc' }], select: { asset: true, date: true, open: true, high: true, low: true, close: true, volume: true } })
  if (rows.length === 0) return null
  const series: Record<string, Candle[]> = {}
  for (const r of rows) {
    ;(series[r.asset] ??= []).push({ date: r.date.toISOString().slice(0, 10), open: r.open.toFixed(), high: r.high.toFixed(), low: r.low.toFixed(), close: r.close.toFixed(), volume: r.volume.toFixed() })
  }
  return alignHistories(series)
}

/** Stores every `<ASSET>-USD-1d.csv` of a directory (skipping assets already complete); returns new candles. */
export async function importPriceDirectory(prisma: PrismaClient, dir: string, source = 'binance-spot'): Promise<number> {
  if (!existsSync(dir)) return 0
  let created = 0
  for (const file of readdirSync(dir).filter((f) => f.endsWith('-1d.csv')).sort()) {
    const asset = file.split('-')[0]!
    const candles = readCandlesCsv(path.join(dir, file))
    const stored = await prisma.candle.count({ where: { asset, source } })
    if (stored >= candles.length) continue
    created += await storeCandles(prisma, asset, source, candles)
  }
  return created
}

const HISTORY_TTL_MS = 60_000

/** Stored candles change once a day: keep the aligned history for a minute rather than per request. */
export function cachedPriceHistory(prisma: PrismaClient): () => Promise<PriceHistory | null> {
  let cached: { at: number; value: Promise<PriceHistory | null> } | null = null
  return () => {
    const now = Date.now()
    if (!cached || now - cached.at > HISTORY_TTL_MS) {
      const value = loadPriceHistory(prisma)
      cached = { at: now, value }
      value.catch(() => (cached = null))
    }
    return cached.value
  }
}
