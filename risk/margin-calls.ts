// Margin calls as a pure state transition: given each account's venue metric, the unified book's coverage (equity
// over unified IM) and the calls open before, decide which calls to open, keep and resolve. One call per subject
// (an account, or the unified book) at its most severe level; hysteresis: a level entered at threshold t holds
// until the metric recovers past t ± band, so a metric wobbling at a line does not flap.
import { DataUnavailable, InvalidInput } from '../core/errors.js'
import type { VenueRuleResult } from './venue-rules.js'

export type CallLevel = 'warning' | 'call' | 'critical'
export const CALL_LEVELS: CallLevel[] = ['warning', 'call', 'critical']

/** healthFactor, unifiedCoverage: lower is worse. marginRatio: higher is worse. */
export type CallMetric = 'healthFactor' | 'marginRatio' | 'unifiedCoverage'

export interface LevelThresholds {
  warning: number
  call: number
  critical: number
  /** Recovery band: a level resolves only past threshold + band (lower-is-worse) or threshold − band. */
  band: number
}

export type MarginCallPolicy = Record<CallMetric, LevelThresholds>

/**
 * Defaults (our policy, configurable per portfolio): health factor 1.25 / 1.10 / 1.03 (Aave liquidates below 1);
 * margin ratio 60 % / 80 % / 90 % (Binance liquidates at 100 %); unified coverage
 * (Σ equity / unified IM) 1.2 / 1.0 / 0.8 — below 1 the book holds less than one clearing house would ask.
 */
export const DEFAULT_CALL_POLICY: MarginCallPolicy = {
  healthFactor: { warning: 1.25, call: 1.1, critical: 1.03, band: 0.05 },
  marginRatio: { warning: 0.6, call: 0.8, critical: 0.9, band: 0.05 },
  unifiedCoverage: { warning: 1.2, call: 1, critical: 0.8, band: 0.05 },
}

export type CallSubject = { kind: 'account'; accountId: string; venue: string } | { kind: 'unified' }

export interface MetricReading {
  subject: CallSubject
  metric: CallMetric
  value: number
}

export interface OpenCall {
  /** `account:<id>` or `unified`: one call per subject. */
  key: string
  subject: CallSubject
  level: CallLevel
  metric: CallMetric
  threshold: number
  value: number
  openedAtMs: number
}

export interface CallDecision {
  call: OpenCall
  reason: string
}

export interface MarginCallDecisions {
  open: CallDecision[]
  keep: CallDecision[]
  resolve: CallDecision[]
}

export interface MarginCallInput {
  asOfMs: number
  /** Venue figures per account (from the venue rules or the venue's own report). */
  accounts: { accountId: string; venue: string; result: Pick<VenueRuleResult, 'metric'> }[]
  /** The unified book: Σ equity across accounts and the unified IM, both USD; omitted when not computed. */
  unified?: { equity: number; initialMargin: number }
  previous: OpenCall[]
  policy?: Partial<MarginCallPolicy>
}

const lowerIsWorse = (m: CallMetric) => m !== 'marginRatio'
const severity = (level: CallLevel | null) => (level === null ? -1 : CALL_LEVELS.indexOf(level))
export const callKey = (s: CallSubject) => (s.kind === 'unified' ? 'unified' : `account:${s.accountId}`)

function checkPolicy(metric: CallMetric, t: LevelThresholds): void {
  const field = `policy.${metric}`
  for (const k of ['warning', 'call', 'critical', 'band'] as const) if (!Number.isFinite(t[k])) throw new InvalidInput(`${field}.${k}`, `must be a finite number, got ${t[k]}`)
  if (!(t.band >= 0)) throw new InvalidInput(`${field}.band`, `must be ≥ 0, got ${t.band}`)
  const ordered = lowerIsWorse(metric) ? t.warning > t.call && t.call > t.critical : t.warning < t.call && t.call < t.critical
  if (!ordered) throw new InvalidInput(field, `levels must worsen from warning to critical (${t.warning}, ${t.call}, ${t.critical})`)
}

/** Whether `value` is past `threshold` (breach), or not yet back past threshold ± band (not recovered). */
function beyond(metric: CallMetric, value: number, threshold: number): boolean {
  return lowerIsWorse(metric) ? value < threshold : value > threshold
}

/**
 * The level a subject is at: the most severe level breached now, or — for levels at or below the previous call's
 * — not yet recovered past its threshold plus the band.
 */
export function levelWithHysteresis(metric: CallMetric, value: number, t: LevelThresholds, previous: CallLevel | null): CallLevel | null {
  if (Number.isNaN(value)) throw new DataUnavailable(`the ${metric} reading is not a number`, { at: `readings.${metric}` })
  let level: CallLevel | null = null
  for (const l of CALL_LEVELS) {
    const threshold = t[l]
    const recovered = lowerIsWorse(metric) ? threshold + t.band : threshold - t.band
    if (beyond(metric, value, threshold) || (severity(l) <= severity(previous) && beyond(metric, value, recovered))) level = l
  }
  return level
}

export function evaluateMarginCalls(input: MarginCallInput): MarginCallDecisions {
  const policy: MarginCallPolicy = { ...DEFAULT_CALL_POLICY, ...input.policy }
  for (const [m, t] of Object.entries(policy)) checkPolicy(m as CallMetric, t)
  const readings: MetricReading[] = input.accounts.map((a, i) => {
    const kind = a.result.metric.kind
    if (!(kind === 'healthFactor' || kind === 'marginRatio')) throw new InvalidInput(`accounts[${i}].result.metric.kind`, `unknown metric ${String(kind)}`)
    return { subject: { kind: 'account', accountId: a.accountId, venue: a.venue }, metric: kind, value: a.result.metric.value }
  })
  if (input.unified) {
    const { equity, initialMargin } = input.unified
    if (!Number.isFinite(equity)) throw new DataUnavailable(`the unified book's equity is not a finite number (${equity})`, { at: 'unified.equity' })
    if (!(initialMargin >= 0)) throw new InvalidInput('unified.initialMargin', `must be ≥ 0, got ${initialMargin}`)
    // No requirement means nothing to cover: infinite coverage (no call), unless equity is negative.
    const coverage = initialMargin > 0 ? equity / initialMargin : equity >= 0 ? Infinity : -Infinity
    readings.push({ subject: { kind: 'unified' }, metric: 'unifiedCoverage', value: coverage })
  }
  const previous = new Map<string, OpenCall>()
  input.previous.forEach((c, i) => {
    if (previous.has(c.key)) throw new InvalidInput(`previous[${i}].key`, `${c.key} has two open calls`)
    if (!CALL_LEVELS.includes(c.level)) throw new InvalidInput(`previous[${i}].level`, `unknown level ${String(c.level)}`)
    previous.set(c.key, c)
  })

  const out: MarginCallDecisions = { open: [], keep: [], resolve: [] }
  const seen = new Set<string>()
  const show = (m: CallMetric, v: number) => (m === 'marginRatio' ? `${(v * 100).toFixed(1)} %` : v.toFixed(3))
  for (const r of readings) {
    const key = callKey(r.subject)
    if (seen.has(key)) throw new InvalidInput('accounts', `${key} appears twice`)
    seen.add(key)
    const t = policy[r.metric]
    const before = previous.get(key)
    // A previous call on another metric (the venue changed its rule) does not carry hysteresis over.
    const prevLevel = before && before.metric === r.metric ? before.level : null
    const level = levelWithHysteresis(r.metric, r.value, t, prevLevel)
    const now = (l: CallLevel): OpenCall => ({ key, subject: r.subject, level: l, metric: r.metric, threshold: t[l], value: r.value, openedAtMs: input.asOfMs })
    if (before && level === before.level && before.metric === r.metric) {
      out.keep.push({ call: { ...before, value: r.value }, reason: `${r.metric} ${show(r.metric, r.value)} not yet recovered past ${show(r.metric, lowerIsWorse(r.metric) ? before.threshold + t.band : before.threshold - t.band)}` })
      continue
    }
    if (before) {
      const why = level === null ? `recovered past ${show(r.metric, lowerIsWorse(r.metric) ? before.threshold + t.band : before.threshold - t.band)}` : `${severity(level) > severity(before.level) ? 'escalated' : 'eased'} to ${level}`
      out.resolve.push({ call: { ...before, value: r.value }, reason: `${r.metric} ${show(r.metric, r.value)}: ${why}` })
    }
    if (level !== null) out.open.push({ call: now(level), reason: `${r.metric} ${show(r.metric, r.value)} past the ${level} line ${show(r.metric, t[level])}` })
  }
  // Calls on subjects no longer reported (an account removed) resolve: there is nothing left to call on.
  for (const [key, c] of previous) if (!seen.has(key)) out.resolve.push({ call: c, reason: 'subject no longer in the portfolio' })
  return out
}
