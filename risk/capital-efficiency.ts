// Capital efficiency: what the venues ask in total versus what the unified book needs, the collateral sitting idle
// per venue, and a rebalancing plan moving stable collateral from slack venues to those nearest liquidation.
import { AAVE_DEFAULT_PARAMS, liquidationPrice, ruleFor, type VenueRule, type VenueRuleResult } from './venue-rules.js'
import type { MarketState, RiskAccount } from './types.js'

export interface RebalancingStep {
  fromAccountId: string
  toAccountId: string
  asset: string
  amountUsd: number
  reason: string
  /** Liquidation prices of the receiving and the giving account, before and after this step, per factor. */
  effect: { accountId: string; factor: string; before: number | null; after: number | null }[]
}

export interface CapitalEfficiencyResult {
  perAccount: { accountId: string; venue: string; rule: VenueRuleResult; idleUsd: number }[]
  sumOfVenueInitialMargins: number
  unifiedInitialMargin: number
  freed: number
  rebalancing: RebalancingStep[]
}

/**
 * `targetBuffer`: each account should hold equity ≥ (1 + targetBuffer) × its maintenance margin (for Aave, a
 * health factor ≥ 1 + targetBuffer). Transfers go from the account with the most idle collateral to the one
 * with the smallest buffer, never taking a donor below its own initial margin.
 */
export function capitalEfficiency(
  accounts: RiskAccount[],
  market: MarketState,
  unifiedInitialMargin: number,
  options: { targetBuffer?: number; rules?: Record<string, VenueRule>; reported?: Record<string, { initialMargin?: number; maintenanceMargin?: number; equity?: number }> } = {},
): CapitalEfficiencyResult {
  const target = options.targetBuffer ?? 0.5
  const perAccount = accounts.map((account) => {
    // The venue's own reported figures, when a snapshot has them, beat our default rule's estimate.
    const rule = { ...ruleFor(account.venue, options.rules)(account, market), ...options.reported?.[account.id] }
    const idleUsd = Number.isFinite(rule.initialMargin) ? Math.max(0, rule.equity - rule.initialMargin) : 0
    return { accountId: account.id, venue: account.venue, rule, idleUsd }
  })
  const sum = perAccount.reduce((s, a) => s + (Number.isFinite(a.rule.initialMargin) ? a.rule.initialMargin : 0), 0)

  const needs = perAccount
    .map((a) => {
      // Shortfall to the target. Lending: stable collateral X (counted at its LT) must lift collateral·LT to
      // (1 + t)·debt. Margin accounts: equity must reach (1 + t)·maintenance margin.
      const { debtUsd, weightedCollateralUsd } = a.rule
      const shortfall =
        debtUsd !== null && weightedCollateralUsd !== null
          ? Math.max(0, ((1 + target) * debtUsd - weightedCollateralUsd) / AAVE_DEFAULT_PARAMS.USD!.lt)
          : Math.max(0, (1 + target) * a.rule.maintenanceMargin - a.rule.equity)
      return { ...a, shortfall }
    })
    .filter((a) => a.shortfall > 0)
    .sort((x, y) => x.rule.buffer - y.rule.buffer)
  const donors = perAccount.filter((a) => a.idleUsd > 0).map((a) => ({ ...a, left: a.idleUsd }))
  const steps: RebalancingStep[] = []
  // Accounts as the plan changes them: a transfer is a USD balance moved from one to the other.
  const current = new Map(accounts.map((a) => [a.id, a]))
  const withTransfer = (account: RiskAccount, deltaUsd: number): RiskAccount => ({ ...account, balances: [...account.balances, { accountId: account.id, asset: 'USD', basisFactor: null, amount: deltaUsd }] })
  const factorsOf = (a: RiskAccount) => [...new Set([...a.balances.map((b) => b.asset), ...a.positions.map((p) => p.instrument.underlying)])].filter((f) => f !== 'USD')
  for (const need of needs) {
    let remaining = need.shortfall
    for (const donor of donors.sort((x, y) => y.left - x.left)) {
      if (remaining <= 0) break
      if (donor.accountId === need.accountId || donor.left <= 0) continue
      const amount = Math.min(remaining, donor.left)
      donor.left -= amount
      remaining -= amount
      const hf = need.rule.healthFactor
      const effect: RebalancingStep['effect'] = []
      for (const [id, delta] of [[need.accountId, amount], [donor.accountId, -amount]] as const) {
        const before = current.get(id)!
        const after = withTransfer(before, delta)
        const rule = ruleFor(before.venue, options.rules)
        for (const factor of factorsOf(before)) effect.push({ accountId: id, factor, before: liquidationPrice(before, market, factor, rule), after: liquidationPrice(after, market, factor, rule) })
        current.set(id, after)
      }
      steps.push({
        effect,
        fromAccountId: donor.accountId,
        toAccountId: need.accountId,
        asset: 'USDC',
        amountUsd: amount,
        reason: hf !== null
          ? `${need.venue} health factor ${hf.toFixed(2)} below ${(1 + target).toFixed(2)}; ${donor.venue} holds ${donor.idleUsd.toFixed(0)} USD above its initial margin`
          : `${need.venue} equity ${need.rule.equity.toFixed(0)} USD below ${(1 + target).toFixed(2)} × maintenance ${need.rule.maintenanceMargin.toFixed(0)} USD; ${donor.venue} holds ${donor.idleUsd.toFixed(0)} USD idle`,
      })
    }
  }
  return { perAccount, sumOfVenueInitialMargins: sum, unifiedInitialMargin, freed: Math.max(0, sum - unifiedInitialMargin), rebalancing: steps }
}

export { liquidationPrice }
