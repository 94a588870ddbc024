// The shapes of the OKX v5 answers the connector reads (each answer's `data` rows), checked where they arrive
// (../payload.ts). OKX writes every number as a string, "" where a figure does not apply; objects stay loose so the
// raw payload keeps every field. Formats: https://www.okx.com/docs-v5/en/ (Get balance, Get positions, Get
// instruments, Get position tiers, Get account configuration).
import { z } from 'zod'

const decimal = z.string()

export const BalanceDetailSchema = z.looseObject({
  ccy: z.string(),
  cashBal: decimal,
  eq: decimal,
  eqUsd: decimal,
  availBal: decimal,
  imr: decimal.optional(),
  mmr: decimal.optional(),
  mgnRatio: decimal.optional(),
})

export const BalanceSchema = z.looseObject({
  totalEq: decimal,
  adjEq: decimal,
  imr: decimal,
  mmr: decimal,
  mgnRatio: decimal,
  notionalUsd: decimal.optional(),
  uTime: z.string().optional(),
  details: z.array(BalanceDetailSchema),
})
export type RawBalance = z.infer<typeof BalanceSchema>
export type RawDetail = z.infer<typeof BalanceDetailSchema>

export const PositionSchema = z.looseObject({
  instId: z.string(),
  instType: z.string(),
  mgnMode: z.string(),
  pos: decimal,
  avgPx: decimal,
  markPx: decimal,
  lever: decimal,
  imr: decimal,
  mmr: decimal,
  mgnRatio: decimal.optional(),
  notionalUsd: decimal,
  liqPx: decimal,
  upl: decimal,
})

export const InstrumentSchema = z.looseObject({ instId: z.string(), ctVal: decimal, settleCcy: z.string(), uly: z.string(), ctType: z.string().optional() })

export const TierSchema = z.looseObject({ tier: z.string(), minSz: decimal, maxSz: decimal, mmr: decimal, imr: decimal })

export const AccountConfigSchema = z.looseObject({
  /** Comma-separated: read_only, trade, withdraw. */
  perm: z.string(),
  /** 1 spot mode, 2 futures (single-currency margin), 3 multi-currency margin, 4 portfolio margin. */
  acctLv: z.string(),
  uid: z.string().optional(),
  mainUid: z.string().optional(),
})
