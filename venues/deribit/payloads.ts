// The shapes of the Deribit JSON-RPC answers the connector reads (each answer's `result`), checked where they arrive
// (../payload.ts). Deribit writes figures as JSON numbers; objects stay loose so the raw payload keeps every field.
// Formats: https://docs.deribit.com/ (private/get_account_summaries, private/get_positions,
// public/get_book_summary_by_currency, public/ticker, public/auth, public/get_currencies).
import { z } from 'zod'

const SummarySchema = z.looseObject({
  currency: z.string(),
  equity: z.number(),
  balance: z.number(),
  margin_balance: z.number(),
  initial_margin: z.number(),
  maintenance_margin: z.number(),
  available_funds: z.number(),
  available_withdrawal_funds: z.number().optional(),
  portfolio_margining_enabled: z.boolean().optional(),
  margin_model: z.string().optional(),
})

/** get_account_summaries: the account with its `summaries` per currency (older answers: the list itself). */
export const SummariesAnswerSchema = z.looseObject({ result: z.union([z.array(SummarySchema), z.looseObject({ summaries: z.array(SummarySchema).optional() })]) })

export const PositionSchema = z.looseObject({
  instrument_name: z.string(),
  kind: z.enum(['future', 'option', 'spot', 'future_combo', 'option_combo']),
  direction: z.enum(['buy', 'sell', 'zero']),
  size: z.number(),
  size_currency: z.number().optional(),
  average_price: z.number(),
  mark_price: z.number(),
  index_price: z.number(),
  estimated_liquidation_price: z.number().nullable().optional(),
  initial_margin: z.number(),
  maintenance_margin: z.number(),
  floating_profit_loss: z.number(),
  leverage: z.number().optional(),
})
export type RawPosition = z.infer<typeof PositionSchema>

export const PositionsAnswerSchema = z.looseObject({ result: z.array(PositionSchema) })

/** One row of public/get_book_summary_by_currency (kind=option); a row without marks is skipped by the reader. */
export const BookSummaryAnswerSchema = z.looseObject({
  result: z.array(
    z.looseObject({
      instrument_name: z.string(),
      mark_iv: z.number().nullable().optional(),
      mark_price: z.number().nullable().optional(),
      underlying_price: z.number().nullable().optional(),
      estimated_delivery_price: z.number().nullable().optional(),
      open_interest: z.number().nullable().optional(),
      creation_timestamp: z.number().optional(),
    }),
  ),
})
export type RawBookSummary = z.infer<typeof BookSummaryAnswerSchema>['result'][number]

/** public/ticker of an option: the same marks as the book summary. */
export const TickerAnswerSchema = z.looseObject({
  result: z.looseObject({ mark_iv: z.number(), underlying_price: z.number(), mark_price: z.number(), open_interest: z.number().nullable().optional() }),
})

export const AuthAnswerSchema = z.looseObject({ result: z.looseObject({ scope: z.string() }) })

export const CurrenciesAnswerSchema = z.looseObject({ result: z.array(z.looseObject({ currency: z.string() })) })
