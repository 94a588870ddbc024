// Binance Portfolio Margin (the unified account, `papi`): one margin for USDⓈ-M, COIN-M and cross margin. Binance
// reports the account's equity, initial and maintenance margin and uniMMR = accountEquity / accountMaintMargin
// (liquidation as uniMMR falls to 1.05, by Binance's docs); we replicate the maintenance margin of the futures
// positions by bracket (USDⓈ-M: |notional| × rate − maintenance amount; COIN-M: the same in coin, valued at the
// mark) and the uniMMR on it. Margin loans carry a maintenance margin we do not replicate: with any loan open the
// replicated figures are null, never understated.
// Sources: https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information,
// .../portfolio-margin/account/Query-UM-Position-Information, .../Query-CM-Position-Information,
// .../UM-Notional-and-Leverage-Brackets, https://www.binance.com/en/support/faq/portfolio-margin-uni-mmr (uniMMR).
import { z } from 'zod'
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal } from '../../core/decimal.js'
import { marginFigures, type Balance, type Position, type VenueSnapshot } from '../../core/domain.js'
import type { FetchContext } from '../types.js'
import { callCcxt } from '../ccxt-errors.js'
import type { BinanceClient } from './connector.js'
import { POSITION_RISK_FIELDS, readPayload } from './payloads.js'
import { coinmInstrument } from './coinm-instrument.js'
import { coinmMaintenanceMargin, maintenanceMargin, type CoinmBracket, type LeverageBracket } from './margin.js'

const amount = z.union([z.string(), z.number()])

export const RawPmAccountSchema = z.looseObject({
  uniMMR: z.string(),
  accountEquity: z.string(),
  actualEquity: z.string().optional(),
  accountInitialMargin: z.string(),
  accountMaintMargin: z.string(),
  accountStatus: z.string(),
  virtualMaxWithdrawAmount: z.string().optional(),
  updateTime: z.number().optional(),
})

const RawPmBalanceSchema = z.array(
  z.looseObject({ asset: z.string(), totalWalletBalance: z.string(), crossMarginBorrowed: z.string().optional(), crossMarginAsset: z.string().optional(), umWalletBalance: z.string().optional(), cmWalletBalance: z.string().optional() }),
)

const RawPmPositionSchema = z.array(
  z.looseObject({
    ...POSITION_RISK_FIELDS,
    leverage: z.string().optional(),
    positionSide: z.string().optional(),
    notional: z.string().optional(),
    notionalValue: z.string().optional(),
  }),
)

const RawUmBracketsSchema = z.array(z.looseObject({ symbol: z.string(), brackets: z.array(z.looseObject({ bracket: amount, notionalCap: amount, notionalFloor: amount, maintMarginRatio: amount, cum: amount, initialLeverage: amount })) }))
const RawCmBracketsSchema = z.array(z.looseObject({ symbol: z.string(), brackets: z.array(z.looseObject({ bracket: amount, qtyCap: amount, qtyFloor: amount, maintMarginRatio: amount, cum: amount })) }))

type Raw<S extends z.ZodType> = z.infer<S>

/** What a docs example or an answer says, read as the account endpoint's figures (also used on the docs example). */
export function pmAccountFigures(account: Raw<typeof RawPmAccountSchema>) {
  const equity = parseDecimal(account.accountEquity, 'account.accountEquity')
  const mm = parseDecimal(account.accountMaintMargin, 'account.accountMaintMargin')
  return { equity, maintenanceMargin: mm, initialMargin: parseDecimal(account.accountInitialMargin, 'account.accountInitialMargin'), uniMMR: uniMMR(equity, mm) }
}

/** uniMMR = account equity / account maintenance margin; none without maintenance margin (nothing can liquidate). */
export function uniMMR(equity: Decimal, maintenance: Decimal): Decimal | null {
  return maintenance.gt(0) ? equity.div(maintenance) : null
}

export async function fetchPmAccount(client: BinanceClient, ctx: FetchContext): Promise<VenueSnapshot> {
  const ex = client.exchange
  const get = <S extends z.ZodType>(what: string, schema: S, request: () => Promise<unknown>): Promise<z.output<S>> => callCcxt('binance', client, what, async () => readPayload(schema, await request(), what))
  const account = await get('portfolio margin account', RawPmAccountSchema, () => ex.papiGetAccount())
  const balance = await get('portfolio margin balances', RawPmBalanceSchema, () => ex.papiGetBalance())
  const um = await get('UM positions', RawPmPositionSchema, () => ex.papiGetUmPositionRisk())
  const cm = await get('CM positions', RawPmPositionSchema, () => ex.papiGetCmPositionRisk())
  const umBrackets = await get('UM leverage brackets', RawUmBracketsSchema, () => ex.papiGetUmLeverageBracket())
  const cmBrackets = await get('CM leverage brackets', RawCmBracketsSchema, () => ex.papiGetCmLeverageBracket())
  ctx.signal.throwIfAborted()

  return callCcxt('binance', client, 'portfolio margin payload', async () => {
    const umTables = new Map<string, LeverageBracket[]>(
      umBrackets.map((s) => [
        s.symbol,
        s.brackets.map((b, i) => {
          const d = (k: keyof typeof b) => parseDecimal(b[k], `um.leverageBracket.${s.symbol}[${i}].${String(k)}`)
          return { bracket: Number(b.bracket), initialLeverage: Number(b.initialLeverage), notionalFloor: d('notionalFloor'), notionalCap: d('notionalCap'), maintMarginRatio: d('maintMarginRatio'), cum: d('cum') }
        }),
      ]),
    )
    const cmTables = new Map<string, CoinmBracket[]>(
      cmBrackets.map((s) => [
        s.symbol,
        s.brackets.map((b, i) => {
          const d = (k: keyof typeof b) => parseDecimal(b[k], `cm.leverageBracket.${s.symbol}[${i}].${String(k)}`)
          return { bracket: Number(b.bracket), qtyFloor: d('qtyFloor'), qtyCap: d('qtyCap'), maintMarginRatio: d('maintMarginRatio'), cum: d('cum') }
        }),
      ]),
    )
    const positions: Position[] = []
    const details: { symbol: string; book: 'UM' | 'CM'; bracket: number | null; maintenanceMarginUsd: string | null }[] = []
    let replicatedMm: Decimal | null = new Decimal(0)
    const addMm = (mm: Decimal | null) => (replicatedMm = replicatedMm === null || mm === null ? null : replicatedMm.plus(mm))

    for (const [i, p] of um.entries()) {
      const at = `um.positionRisk[${i}]`
      const size = parseDecimal(p.positionAmt, `${at}.positionAmt`)
      if (size.isZero()) continue
      const mark = parseDecimal(p.markPrice, `${at}.markPrice`)
      const table = umTables.get(p.symbol)
      // USDⓈ-M margins are in the settlement stablecoin, taken at par in the USD account figures as Binance does.
      const mm = table?.length ? maintenanceMargin(table, size.mul(mark)) : null
      addMm(mm?.margin ?? null)
      details.push({ symbol: p.symbol, book: 'UM', bracket: mm?.bracket.bracket ?? null, maintenanceMarginUsd: mm?.margin.toFixed() ?? null })
      const base = p.symbol.replace(/(USDT|USDC|FDUSD|BUSD)$/, '')
      positions.push(position(p, at, { venueSymbol: p.symbol, kind: 'perpetual', underlying: canonicalAsset(base).factor, quote: p.symbol.slice(base.length) || 'USDT', settlement: p.symbol.slice(base.length) || 'USDT', inverse: false, contractSize: '1', expiry: null, strike: null, optionType: null }, size, table ? [] : ['no-leverage-brackets']))
    }
    for (const [i, p] of cm.entries()) {
      const at = `cm.positionRisk[${i}]`
      if (parseDecimal(p.positionAmt, `${at}.positionAmt`).isZero()) continue
      // COIN-M positions are counted in contracts; notionalValue is the position in coin, signed.
      const coin = parseDecimal(p.notionalValue, `${at}.notionalValue`)
      const mark = parseDecimal(p.markPrice, `${at}.markPrice`)
      const pair = p.symbol.split('_')[0]!
      const base = pair.replace(/USD$/, '')
      const table = cmTables.get(pair) ?? cmTables.get(p.symbol)
      const mmCoin = table?.length ? coinmMaintenanceMargin(table, coin) : null
      const mmUsd = mmCoin ? mmCoin.margin.mul(mark) : null
      addMm(mmUsd)
      details.push({ symbol: p.symbol, book: 'CM', bracket: mmCoin?.bracket.bracket ?? null, maintenanceMarginUsd: mmUsd?.toFixed() ?? null })
      positions.push(position(p, at, coinmInstrument(p.symbol, base), coin, table ? [] : ['no-leverage-brackets']))
    }

    const balances: Balance[] = []
    let loansOpen = false
    for (const [i, b] of balance.entries()) {
      const wallet = parseDecimal(b.totalWalletBalance, `balance[${i}].totalWalletBalance`)
      const borrowed = parseDecimal(b.crossMarginBorrowed ?? '0', `balance[${i}].crossMarginBorrowed`)
      if (borrowed.gt(0)) loansOpen = true
      const base = { asset: b.asset, canonicalAsset: canonicalAsset(b.asset).factor, valueUsd: null, priceUsd: null, raw: b }
      if (!wallet.isZero()) balances.push({ ...base, kind: 'wallet', amount: wallet.abs().toFixed(), usableAsCollateral: true, flags: wallet.isNegative() ? ['negative-wallet-balance'] : [] })
      if (borrowed.gt(0)) balances.push({ ...base, kind: 'debt', amount: borrowed.toFixed(), usableAsCollateral: null, flags: ['margin-loan'] })
    }

    const reported = pmAccountFigures(account)
    // A margin loan's maintenance margin is not replicated: the sum would understate the account's.
    const oursMm: Decimal | null = loansOpen ? null : replicatedMm
    const figures = (im: Decimal | null, mm: Decimal | null, ratio: Decimal | null, withdrawable: string | null) =>
      marginFigures('USD', {
        equity: reported.equity.toFixed(),
        initialMargin: im?.toFixed() ?? null,
        maintenanceMargin: mm?.toFixed() ?? null,
        // Stored as MM / equity (1 / uniMMR), the same sense as every other venue's margin ratio.
        marginRatio: ratio && ratio.gt(0) ? new Decimal(1).div(ratio).toDecimalPlaces(12).toFixed() : null,
        withdrawable,
      })
    const oursUniMMR = oursMm === null ? null : uniMMR(reported.equity, oursMm)
    return {
      asOf: account.updateTime ? new Date(account.updateTime) : ctx.now(),
      blockNumber: null,
      positions,
      balances,
      margin: {
        reported: figures(reported.initialMargin, reported.maintenanceMargin, parseDecimal(account.uniMMR, 'account.uniMMR'), account.virtualMaxWithdrawAmount ?? null),
        // Initial margin and withdrawable depend on collateral rates and open orders we do not see: not replicated.
        replicated: figures(null, oursMm, oursUniMMR, null),
        details: {
          model: 'portfolio-margin',
          uniMMR: oursUniMMR?.toDecimalPlaces(8).toFixed() ?? null,
          reportedUniMMR: account.uniMMR,
          accountStatus: account.accountStatus,
          marginLoansReplicated: !loansOpen,
          positions: details,
        },
      },
      raw: { account, balance, umPositionRisk: um, cmPositionRisk: cm, umLeverageBracket: umBrackets, cmLeverageBracket: cmBrackets },
    }
  })
}

function position(p: Raw<typeof RawPmPositionSchema>[number], at: string, instrument: Position['instrument'], size: Decimal, flags: string[]): Position {
  const liquidation = new Decimal(p.liquidationPrice || 0)
  return {
    instrument,
    size: size.toFixed(),
    entryPrice: parseDecimal(p.entryPrice, `${at}.entryPrice`).toFixed(),
    markPrice: parseDecimal(p.markPrice, `${at}.markPrice`).toFixed(),
    // "0" means no liquidation price, not a price of zero.
    liquidationPrice: liquidation.isZero() ? null : liquidation.toFixed(),
    notional: p.notional !== undefined ? parseDecimal(p.notional, `${at}.notional`).abs().toFixed() : size.abs().toFixed(),
    unrealizedPnl: parseDecimal(p.unRealizedProfit, `${at}.unRealizedProfit`).toFixed(),
    leverage: p.leverage ? parseDecimal(p.leverage, `${at}.leverage`).toFixed() : null,
    // Portfolio margin is one cross account.
    marginMode: 'portfolio',
    venueInitialMargin: null,
    venueMaintenanceMargin: null,
    flags,
    raw: p,
  }
}
