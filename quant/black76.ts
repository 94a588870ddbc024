// Black-76: European options on a forward (or future), in the quote currency, and in the inverse form Deribit
// quotes coin-settled options in (premium in units of the underlying = USD premium / forward). float64 throughout.
import { InvalidInput } from '../core/errors.js'
import { normalCdf, normalPdf } from './normal.js'

export type OptionType = 'call' | 'put'

/** Black-76's unit of time: a year of 365 days (ACT/365, as Deribit counts), in milliseconds. */
export const YEAR_MS = 365 * 86_400_000

export interface Greeks {
  /** ∂V/∂F. */
  delta: number
  /** ∂²V/∂F². */
  gamma: number
  /** ∂V/∂σ per 1.00 of volatility (divide by 100 for "per vol point"). */
  vega: number
  /** ∂V/∂t per year of calendar time passing (negative for a long option). */
  theta: number
}

function check(forward: number, strike: number, timeYears: number, vol: number): void {
  if (!(forward > 0) || !Number.isFinite(forward)) throw new InvalidInput('forward', `must be a positive finite price, got ${forward}`)
  if (!(strike > 0) || !Number.isFinite(strike)) throw new InvalidInput('strike', `must be a positive finite price, got ${strike}`)
  if (!(timeYears >= 0) || !Number.isFinite(timeYears)) throw new InvalidInput('timeYears', `must be ≥ 0, got ${timeYears}`)
  if (!(vol >= 0) || !Number.isFinite(vol)) throw new InvalidInput('vol', `must be ≥ 0, got ${vol}`)
}

/** Premium per unit of underlying, in the quote currency; intrinsic value (discounted) at expiry or zero vol. */
export function black76Price(forward: number, strike: number, timeYears: number, vol: number, type: OptionType, discount = 1): number {
  check(forward, strike, timeYears, vol)
  const sigmaRootT = vol * Math.sqrt(timeYears)
  if (sigmaRootT === 0) return discount * Math.max(type === 'call' ? forward - strike : strike - forward, 0)
  const d1 = (Math.log(forward / strike) + 0.5 * sigmaRootT * sigmaRootT) / sigmaRootT
  const d2 = d1 - sigmaRootT
  return type === 'call'
    ? discount * (forward * normalCdf(d1) - strike * normalCdf(d2))
    : discount * (strike * normalCdf(-d2) - forward * normalCdf(-d1))
}

export function black76Greeks(forward: number, strike: number, timeYears: number, vol: number, type: OptionType, discount = 1): Greeks {
  check(forward, strike, timeYears, vol)
  const sigmaRootT = vol * Math.sqrt(timeYears)
  if (sigmaRootT === 0) {
    const itm = type === 'call' ? forward > strike : forward < strike
    return { delta: itm ? discount * (type === 'call' ? 1 : -1) : 0, gamma: 0, vega: 0, theta: 0 }
  }
  const d1 = (Math.log(forward / strike) + 0.5 * sigmaRootT * sigmaRootT) / sigmaRootT
  const pdf = normalPdf(d1)
  const delta = type === 'call' ? discount * normalCdf(d1) : -discount * normalCdf(-d1)
  const gamma = (discount * pdf) / (forward * sigmaRootT)
  const vega = discount * forward * pdf * Math.sqrt(timeYears)
  // With the forward held fixed and zero rates the only time decay is the volatility term.
  const theta = -(discount * forward * pdf * vol) / (2 * Math.sqrt(timeYears))
  return { delta, gamma, vega, theta }
}

/** Coin-settled premium (e.g. BTC per BTC option): the USD premium divided by the forward. */
export function inverseBlack76Price(forward: number, strike: number, timeYears: number, vol: number, type: OptionType): number {
  return black76Price(forward, strike, timeYears, vol, type) / forward
}

/**
 * Greeks of the coin premium V/F. Delta is reported as Deribit does: the USD delta minus the coin premium,
 * i.e. ∂(V/F)/∂F · F = ∂V/∂F − V/F (the option's exposure in coin, net of the premium's own coin value).
 */
export function inverseBlack76Greeks(forward: number, strike: number, timeYears: number, vol: number, type: OptionType): Greeks {
  const g = black76Greeks(forward, strike, timeYears, vol, type)
  const premiumCoin = black76Price(forward, strike, timeYears, vol, type) / forward
  return {
    delta: g.delta - premiumCoin,
    gamma: g.gamma,
    vega: g.vega / forward,
    theta: g.theta / forward,
  }
}

/** Implied volatility by safeguarded Newton on vega inside a bisection bracket; InvalidInput outside arbitrage bounds. */
export function impliedVolBlack76(price: number, forward: number, strike: number, timeYears: number, type: OptionType, discount = 1): number {
  check(forward, strike, timeYears, 0)
  if (!(timeYears > 0)) throw new InvalidInput('timeYears', 'implied volatility needs time to expiry > 0')
  const intrinsic = discount * Math.max(type === 'call' ? forward - strike : strike - forward, 0)
  const upper = discount * (type === 'call' ? forward : strike)
  if (!(price > intrinsic) || !(price < upper)) {
    throw new InvalidInput('price', `${price} is outside the no-arbitrage range (${intrinsic}, ${upper})`)
  }
  let low = 1e-8
  let high = 20
  let vol = Math.sqrt((2 * Math.abs(Math.log(forward / strike))) / timeYears) || 0.5
  if (!(vol > low && vol < high)) vol = 0.5
  for (let i = 0; i < 100; i++) {
    const diff = black76Price(forward, strike, timeYears, vol, type, discount) - price
    if (Math.abs(diff) < 1e-14 * Math.max(1, price)) return vol
    if (diff > 0) high = vol
    else low = vol
    const vega = black76Greeks(forward, strike, timeYears, vol, type, discount).vega
    let next = vega > 1e-300 ? vol - diff / vega : NaN
    if (!(next > low && next < high)) next = 0.5 * (low + high)
    if (Math.abs(next - vol) < 1e-15) return next
    vol = next
  }
  return vol
}
