// The shapes of the Bybit v5 answers the connector reads (each answer's `result`), checked where they arrive
// (../payload.ts). Bybit writes amounts as strings ("" where a figure does not apply) and ids, modes and statuses as
// JSON numbers; objects stay loose so the raw payload keeps every field. Formats: https://bybit-exchange.github.io/docs/v5/
// (account/wallet-balance, position, market/risk-limit, user/apikey-info, account/account-info).
import { z } from 'zod'

const decimal = z.string()

export const WalletSchema = z.looseObject({
  list: z.array(
    z.looseObject({
      totalEquity: decimal,
      totalMarginBalance: decimal,
      totalInitialMargin: decimal,
      totalMaintenanceMargin: decimal,
      totalAvailableBalance: decimal,
      accountIMRate: decimal,
      accountMMRate: decimal,
      accountType: z.string(),
      coin: z.array(z.looseObject({ coin: z.string(), walletBalance: decimal, equity: decimal, usdValue: decimal, borrowAmount: decimal.optional() })),
    }),
  ),
})

export const PositionSchema = z.looseObject({
  symbol: z.string(),
  side: z.enum(['Buy', 'Sell', 'None', '']),
  size: decimal,
  avgPrice: decimal,
  markPrice: decimal,
  leverage: decimal,
  positionValue: decimal,
  positionIM: decimal,
  positionMM: decimal,
  liqPrice: decimal,
  bustPrice: decimal,
  riskId: z.number(),
  unrealisedPnl: decimal,
  /** 0 cross margin, 1 isolated. */
  tradeMode: z.number(),
})
export type RawPosition = z.infer<typeof PositionSchema>

/** One page of a position list; an empty cursor (or none) ends the list. */
export const PositionPageSchema = z.looseObject({ list: z.array(PositionSchema).optional(), nextPageCursor: z.string().optional() })

/** Rates are strings in the API; the docs page shows some as numbers (read either way, see margin.ts). */
export const RiskLimitSchema = z.looseObject({
  list: z.array(z.looseObject({ id: z.number(), symbol: z.string(), riskLimitValue: decimal, maintenanceMargin: z.union([decimal, z.number()]), initialMargin: z.union([decimal, z.number()]), maxLeverage: decimal, mmDeduction: decimal.optional() })).optional(),
})

export const ApiKeyInfoSchema = z.looseObject({
  /** 0: read and write, 1: read only. */
  readOnly: z.number(),
  permissions: z.record(z.string(), z.array(z.string()).optional()).optional(),
})

export const AccountInfoSchema = z.looseObject({
  /** 1 classic account; 3, 4 unified trading account 1.0 (and pro); 5, 6 unified trading account 2.0 (and pro). */
  unifiedMarginStatus: z.number(),
  marginMode: z.string().optional(),
})
