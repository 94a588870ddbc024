// Capital efficiency: what the venues ask in total against what the unified book needs (the capital netting would
// free), collateral sitting idle per venue, and a greedy rebalancing plan that moves stable collateral from slack
// venues to those nearest liquidation, within withdrawable amounts and to a target buffer, each step with its
// effect on liquidation distances recomputed through the venues' rules. Pure; float64 (USD to ~1e-9 relative).
import { InvalidInput } from '../core/errors.js'
import { brentRoot } from '../quant/root-finding.js'
import { factorLiquidationDistance, type FactorLiquidationDistance } from './liquidation-distance.js'
import { exposedFactors, pinEntryPrices, ruleFor, type VenueMetric, type VenueRuleResult, type VenueRuleSet } from './venue-rules.js'
import type { MarketState, RiskAccount } from './types.js'

export interface ReportedMargin {
  initialMargin?: number
  maintenanceMargin?: number
  equity?: number
}

export interface CapitalEfficiencyOptions {
  rules?: VenueRuleSet
  /** Rule parameters per account id. */
  params?: Record<string, unknown>
  /** The venues' own figures per account id, in USD (stored snapshots): they replace the rule's in the report. */
  reported?: Record<string, ReportedMargin>
  /** What each venue lets you withdraw now, USD per account id (absent: not reported, not binding). */
  withdrawable?: Record<string, number>
  /** Target after a transfer: HF ≥ 1.5 (lending), margin ratio ≤ 50 % (MM/equity). */
  targetHealthFactor?: number
  targetMarginRatio?: number
  /** What is moved: a stablecoin, valued at 1 USD times its basis factor when the market quotes one. */
  transferAsset?: string
  transferBasisFactor?: string | null
}

/** The rule's figures with the metric also spelled out under the names a reader expects. */
export type AccountMarginView = VenueRuleResult & { healthFactor: number | null; marginRatio: number | null; reported: boolean }

export interface AccountEfficiency {
  accountId: string
  venue: string
  rule: AccountMarginView
  /** equity − venue IM, at least 0, at most the withdrawable amount when the venue reports one. */
  idleUsd: number
  withdrawableUsd: number | null
  /** Stable collateral the account needs to reach the target (0 when it is there). */
  shortfallUsd: number
  /** Most it can give and stay at or above both its IM and the target (and within withdrawable and balances). */
  spareUsd: number
  nearestLiquidation: { factor: string; move: number; price: number } | null
}

export interface RebalancingEffect {
  accountId: string
  factor: string
  /** Nearest liquidation price of the factor alone, before and after the step (null: none within range). */
  before: number | null
  after: number | null
  beforeMove: number | null
  afterMove: number | null
}

export interface RebalancingStep {
  fromAccountId: string
  toAccountId: string
  asset: string
  amountUsd: number
  reason: string
  effect: RebalancingEffect[]
  metrics: { accountId: string; before: VenueMetric; after: VenueMetric }[]
}

export interface CapitalEfficiencyResult {
  perAccount: AccountEfficiency[]
  sumOfVenueInitialMargins: number
  unifiedInitialMargin: number
  /** Σ venue IM − unified IM, at least 0: what one clearing house netting everything would not ask for. */
  freed: number
  rebalancing: RebalancingStep[]
  /** Accounts still short of the target when the slack venues have nothing more to give. */
  unresolved: { accountId: string; shortfallUsd: number }[]
  targets: { healthFactor: number; marginRatio: number }
}

interface Targets {
  healthFactor: number
  marginRatio: number
}

/** Signed distance to the target, continuous in the amount moved: ≥ 0 when the account meets it. */
function targetGap(r: VenueRuleResult, t: Targets): number {
  switch (r.metric.kind) {
    case 'healthFactor':
      return r.metric.value === Infinity ? 1 : r.metric.value - t.healthFactor
    case 'marginRatio':
      // MM/equity ≤ target ⇔ target·equity − MM ≥ 0, without the pole at zero equity.
      return t.marginRatio * r.equity - r.maintenanceMargin
  }
}

function nearestOf(distances: FactorLiquidationDistance[]): { factor: string; move: number; price: number } | null {
  let best: { factor: string; move: number; price: number } | null = null
  for (const d of distances) {
    if (d.status === 'already-liquidated') return { factor: d.factor, move: 0, price: d.price }
    if (d.nearest && (!best || Math.abs(d.nearest.move) < Math.abs(best.move))) best = { factor: d.factor, move: d.nearest.move, price: d.nearest.price }
  }
  return best
}

export function capitalEfficiency(accounts: RiskAccount[], market: MarketState, unifiedInitialMargin: number, options: CapitalEfficiencyOptions = {}): CapitalEfficiencyResult {
  if (!Number.isFinite(unifiedInitialMargin) || unifiedInitialMargin < 0) throw new InvalidInput('unifiedInitialMargin', `must be a non-negative number, got ${unifiedInitialMargin}`)
  const targets: Targets = {
    healthFactor: options.targetHealthFactor ?? 1.5,
    marginRatio: options.targetMarginRatio ?? 0.5,
  }
  if (!(targets.healthFactor > 1)) throw new InvalidInput('options.targetHealthFactor', `must be above 1, got ${targets.healthFactor}`)
  if (!(targets.marginRatio > 0 && targets.marginRatio < 1)) throw new InvalidInput('options.targetMarginRatio', `must be in (0, 1), got ${targets.marginRatio}`)
  for (const [id, w] of Object.entries(options.withdrawable ?? {})) if (!(w >= 0)) throw new InvalidInput(`options.withdrawable.${id}`, `must be a non-negative number, got ${w}`)
  const asset = options.transferAsset ?? 'USDC'
  const basis = options.transferBasisFactor === undefined ? null : options.transferBasisFactor

  const rules = new Map(accounts.map((a) => [a.id, ruleFor(a.venue, options.rules)]))
  const figures = (a: RiskAccount): VenueRuleResult => rules.get(a.id)!.evaluate(a, market, options.params?.[a.id])
  const distances = (a: RiskAccount) => exposedFactors(a).map((f) => factorLiquidationDistance(a, market, f, rules.get(a.id)!, options.params?.[a.id]))
  // A transfer is a stable balance added to (or taken from) the account, at today's prices.
  const moved = (a: RiskAccount, amountUsd: number): RiskAccount => ({ ...a, balances: [...a.balances, { accountId: a.id, asset: 'USD', basisFactor: basis, amount: amountUsd / (basis && market.prices[basis] !== undefined ? market.prices[basis]! : 1) }] })

  /** Least stable collateral that brings the account to its target; Infinity if no amount does. */
  const shortfall = (a: RiskAccount): number => {
    const gap = (x: number) => targetGap(figures(moved(a, x)), targets)
    if (gap(0) >= 0) return 0
    const r = figures(a)
    let hi = Math.max(1, Math.abs(r.equity), r.maintenanceMargin)
    for (let k = 0; k < 80 && gap(hi) < 0; k++) hi *= 2
    if (gap(hi) < 0) return Infinity
    return brentRoot(gap, 0, hi, 1e-15)
  }
  /** Most the account can give and still meet its IM and the target, within withdrawable and its own balances. */
  const spare = (a: RiskAccount): number => {
    const ok = (x: number) => {
      const r = figures(moved(a, -x))
      return Math.min(r.equity - r.initialMargin, targetGap(r, targets))
    }
    // Only stable balances move: handing over ETH collateral would be a trade, and borrowing to pay out a transfer
    // would raise the donor's debt; both are left to the user.
    const positive = a.balances.reduce((s, b) => s + (b.asset === 'USD' ? Math.max(0, b.amount) * (market.prices.USD ?? 1) : 0), 0)
    const cap = Math.min(positive, options.withdrawable?.[a.id] ?? Infinity)
    if (!(cap > 0) || ok(0) <= 0) return 0
    if (ok(cap) >= 0) return cap
    return brentRoot(ok, 0, cap, 1e-15)
  }

  const current = new Map(accounts.map((a) => [a.id, pinEntryPrices(a, market)]))
  const perAccount: AccountEfficiency[] = accounts.map((account) => {
    const result = rules.get(account.id)!.evaluate(account, market, options.params?.[account.id])
    if (result.currency !== 'USD') throw new InvalidInput(`rules.${account.venue}`, `capital efficiency adds venues in USD; the rule reports ${result.currency}`)
    const reported = options.reported?.[account.id]
    const view: AccountMarginView = {
      ...result,
      ...(reported?.equity !== undefined ? { equity: reported.equity } : {}),
      ...(reported?.initialMargin !== undefined ? { initialMargin: reported.initialMargin } : {}),
      ...(reported?.maintenanceMargin !== undefined ? { maintenanceMargin: reported.maintenanceMargin } : {}),
      healthFactor: result.metric.kind === 'healthFactor' && Number.isFinite(result.metric.value) ? result.metric.value : null,
      marginRatio: result.metric.kind === 'marginRatio' && Number.isFinite(result.metric.value) ? result.metric.value : null,
      reported: reported !== undefined,
    }
    const withdrawable = options.withdrawable?.[account.id] ?? null
    const idle = Number.isFinite(view.initialMargin) ? Math.max(0, view.equity - view.initialMargin) : 0
    const pinned = current.get(account.id)!
    return {
      accountId: account.id,
      venue: account.venue,
      rule: view,
      idleUsd: withdrawable === null ? idle : Math.min(idle, withdrawable),
      withdrawableUsd: withdrawable,
      shortfallUsd: shortfall(pinned),
      spareUsd: spare(pinned),
      nearestLiquidation: nearestOf(distances(pinned)),
    }
  })
  const sum = perAccount.reduce((s, a) => s + (Number.isFinite(a.rule.initialMargin) ? a.rule.initialMargin : 0), 0)

  // Receivers nearest liquidation first (already liquidated, then the smallest move), then the largest shortfall.
  const receivers = perAccount
    .filter((a) => a.shortfallUsd > 0)
    .sort((x, y) => (Math.abs(x.nearestLiquidation?.move ?? Infinity) - Math.abs(y.nearestLiquidation?.move ?? Infinity)) || y.shortfallUsd - x.shortfallUsd)
  const receiverIds = new Set(receivers.map((r) => r.accountId))
  const donorLeft = new Map(perAccount.filter((a) => !receiverIds.has(a.accountId) && a.spareUsd > 0).map((a) => [a.accountId, Math.min(a.spareUsd, options.withdrawable?.[a.accountId] ?? Infinity)]))
  const venueOf = new Map(accounts.map((a) => [a.id, a.venue]))
  const steps: RebalancingStep[] = []
  const unresolved: { accountId: string; shortfallUsd: number }[] = []
  const describe = (m: VenueMetric) => (m.kind === 'marginRatio' ? `margin ratio ${(m.value * 100).toFixed(1)} %` : `health factor ${m.value.toFixed(3)}`)
  const target = (m: VenueMetric) => (m.kind === 'marginRatio' ? `≤ ${(targets.marginRatio * 100).toFixed(0)} %` : `≥ ${targets.healthFactor.toFixed(2)}`)

  for (const need of receivers) {
    let remaining = need.shortfallUsd
    while (remaining > 1e-9) {
      const donors = [...donorLeft.entries()].filter(([, left]) => left > 1e-9).sort((x, y) => y[1] - x[1])
      if (donors.length === 0) break
      const [donorId, left] = donors[0]!
      const amount = Math.min(remaining, left)
      const effect: RebalancingEffect[] = []
      const metrics: RebalancingStep['metrics'] = []
      const beforeNeed = figures(current.get(need.accountId)!)
      for (const [id, delta] of [[need.accountId, amount], [donorId, -amount]] as const) {
        const before = current.get(id)!
        const after = moved(before, delta)
        const b = distances(before)
        const a = distances(after)
        b.forEach((d, i) => {
          const n = a[i]!
          effect.push({ accountId: id, factor: d.factor, before: d.nearest?.price ?? null, after: n.nearest?.price ?? null, beforeMove: d.nearest?.move ?? null, afterMove: n.nearest?.move ?? null })
        })
        metrics.push({ accountId: id, before: figures(before).metric, after: figures(after).metric })
        current.set(id, after)
      }
      const near = need.nearestLiquidation
      steps.push({
        fromAccountId: donorId,
        toAccountId: need.accountId,
        asset,
        amountUsd: amount,
        effect,
        metrics,
        reason:
          `${need.venue} ${describe(beforeNeed.metric)} misses its target ${target(beforeNeed.metric)}` +
          (near ? ` (${near.factor} ${near.move >= 0 ? '+' : '−'}${Math.abs(near.move * 100).toFixed(1)} % liquidates it)` : '') +
          `; ${venueOf.get(donorId)} can spare ${left.toFixed(2)} USD above its initial margin and its own target → move ${amount.toFixed(2)} ${asset}`,
      })
      donorLeft.set(donorId, left - amount)
      // Recompute from the account as changed: exact for stable transfers, and safe if a rule is non-linear.
      remaining = shortfall(current.get(need.accountId)!)
      if (remaining > 0 && remaining < amount * 1e-12) remaining = 0
    }
    if (remaining > 1e-9) unresolved.push({ accountId: need.accountId, shortfallUsd: remaining })
  }
  return { perAccount, sumOfVenueInitialMargins: sum, unifiedInitialMargin, freed: Math.max(0, sum - unifiedInitialMargin), rebalancing: steps, unresolved, targets }
}
