// A small dashboard for people who would rather look than read (DESIGN §4): one page, served by this server with
// nothing loaded from elsewhere, that asks the GraphQL API what a portfolio looks like and redraws it every 15
// seconds: accounts and how fresh their data is, open margin calls, each venue's own margin figures beside ours,
// net exposures, and the unified margin with the capital it frees and the nearest liquidations. It only reads.
// Everything shown is set as text (never parsed as HTML), so a portfolio or account name cannot inject markup.

const STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; }
  header { display: flex; gap: 12px; align-items: center; padding: 10px 20px; background: #1d2330; color: #fff; }
  header h1 { font-size: 16px; margin: 0 12px 0 0; }
  header select, header input, header button { font: inherit; padding: 3px 6px; }
  header .muted { color: #aab; }
  main { padding: 16px 20px; display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px; }
  section { background: #fff; border: 1px solid #dde; border-radius: 6px; padding: 10px 14px; overflow-x: auto; }
  section h2 { font-size: 14px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eef; vertical-align: top; }
  th { white-space: nowrap; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .ok { color: #17803d; } .warn { color: #a15c00; } .bad { color: #b42318; font-weight: 600; }
  .big { font-size: 22px; font-weight: 600; }
  .error { color: #b42318; }
  .muted { color: #667; }
`

// The page's script: plain browser JavaScript, no build step and no library.
const SCRIPT = `
const GRAPHQL = document.body.dataset.graphql
const $ = (id) => document.getElementById(id)
let portfolioId = new URLSearchParams(location.search).get('portfolio')

function h(tag, props, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(props || {})) if (v !== null && v !== undefined) el.setAttribute(k, v)
  for (const c of children.flat()) el.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? '' : String(c)))
  return el
}
const usd = (x) => (x === null || x === undefined ? '—' : Number(x).toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }))
const num = (x, digits = 4) => (x === null || x === undefined ? '—' : Number(x).toLocaleString('en-US', { maximumFractionDigits: digits }))
const pct = (x) => (x === null || x === undefined ? '—' : (100 * x).toFixed(1) + ' %')
const age = (s) => (s === null || s === undefined ? '—' : s < 120 ? Math.round(s) + ' s' : s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h')
function table(head, rows) {
  return h('table', {}, h('tr', {}, head.map(([label, cls]) => h('th', { class: cls }, label))), rows.map((r) => h('tr', {}, r.map(([value, cls]) => h('td', { class: cls }, value)))))
}
function panel(id, title, ...content) {
  $(id).replaceChildren(h('h2', {}, title), ...content)
}

async function query(text, variables) {
  const headers = { 'content-type': 'application/json' }
  const key = sessionStorage.getItem('crossmargin-api-key')
  if (key) headers.authorization = 'Bearer ' + key
  const response = await fetch(GRAPHQL, { method: 'POST', headers, body: JSON.stringify({ query: text, variables }) })
  const body = await response.json().catch(() => ({ errors: [{ message: 'HTTP ' + response.status }] }))
  return body
}

const CORE = \`query ($id: ID!) { portfolio(id: $id) { name dataAsOf
  accounts { id venue label status lastError dataAgeSeconds }
  marginCalls { level metric value threshold reason openedAt account { label venue } }
  venueMargins { accountId venue reported { equity initialMargin maintenanceMargin healthFactor marginRatio } replicated { equity initialMargin maintenanceMargin healthFactor marginRatio } }
  exposures { asset netUnits netUsd grossUsd byVenue { venue units } } } }\`
const RISK = \`query ($id: ID!) { portfolio(id: $id) {
  unifiedMargin { initialMargin var99 es975 stress floorApplied }
  capitalEfficiency { sumOfVenueInitialMargins unifiedInitialMargin freed rebalancing { fromVenue toVenue asset amount reason } }
  liquidationDistances { accountLabel venue factor move price } } }\`

async function loadPortfolios() {
  const res = await query('{ portfolios { id name } }')
  if (res.errors) return showError(res.errors[0].message)
  const list = res.data.portfolios
  if (!portfolioId && list.length) portfolioId = list[0].id
  $('portfolio').replaceChildren(...list.map((p) => h('option', { value: p.id, ...(p.id === portfolioId ? { selected: '' } : {}) }, p.name)))
  if (!list.length) showError('No portfolio yet: add one in the config file or with createPortfolio.')
}

function showError(message) {
  $('status').replaceChildren(h('span', { class: 'error' }, message))
}

async function refresh() {
  if (!portfolioId) return
  const [core, risk] = await Promise.all([query(CORE, { id: portfolioId }), query(RISK, { id: portfolioId })])
  if (core.errors || !core.data?.portfolio) return showError(core.errors ? core.errors[0].message : 'portfolio not found')
  const p = core.data.portfolio
  $('status').replaceChildren(h('span', { class: 'muted' }, 'data as of ' + (p.dataAsOf ? new Date(p.dataAsOf).toLocaleString() : '—') + ' · updated ' + new Date().toLocaleTimeString()))
  const label = new Map(p.accounts.map((a) => [a.id, a.label]))

  panel('accounts', 'Accounts', table([['Venue'], ['Account'], ['Status'], ['Data age', 'num']],
    p.accounts.map((a) => [[a.venue], [a.label], [a.status + (a.lastError ? ': ' + a.lastError : ''), a.status === 'OK' ? 'ok' : 'bad'], [age(a.dataAgeSeconds), 'num']])))

  const open = p.marginCalls
  panel('calls', 'Margin calls', open.length === 0 ? h('p', { class: 'ok' }, 'None open.') :
    table([['Level'], ['Account'], ['Metric'], ['Value', 'num'], ['Line', 'num'], ['Since']],
      open.map((c) => [[c.level, c.level === 'WARNING' ? 'warn' : 'bad'], [(c.account ? c.account.venue + ' · ' + c.account.label : 'unified book')], [c.metric], [num(c.value), 'num'], [num(c.threshold), 'num'], [new Date(c.openedAt).toLocaleString()]])))

  const metric = (f) => (f.healthFactor !== null ? 'HF ' + num(f.healthFactor, 3) : f.marginRatio !== null ? 'MR ' + pct(Number(f.marginRatio)) : '—')
  panel('margins', 'Venue margins: the venue’s own figures and ours', table(
    [['Venue'], ['Account'], ['Equity', 'num'], ['IM', 'num'], ['MM', 'num'], ['Venue says'], ['We say']],
    p.venueMargins.map((m) => [[m.venue], [label.get(m.accountId) || ''], [usd(m.reported.equity ?? m.replicated.equity), 'num'], [usd(m.reported.initialMargin ?? m.replicated.initialMargin), 'num'], [usd(m.reported.maintenanceMargin ?? m.replicated.maintenanceMargin), 'num'], [metric(m.reported)], [metric(m.replicated)]])))

  panel('exposures', 'Net exposure across venues', table([['Asset'], ['Net units', 'num'], ['Net USD', 'num'], ['Gross USD', 'num'], ['By venue']],
    p.exposures.filter((e) => e.asset !== 'USD').map((e) => [[e.asset], [num(e.netUnits), 'num'], [usd(e.netUsd), 'num'], [usd(e.grossUsd), 'num'], [e.byVenue.map((v) => v.venue + ' ' + num(v.units)).join(', ')]])))

  if (risk.errors || !risk.data?.portfolio) {
    panel('unified', 'Unified margin', h('p', { class: 'error' }, risk.errors ? risk.errors[0].message : 'not available'))
    panel('liquidations', 'Nearest liquidations', h('p', { class: 'muted' }, 'needs the unified risk view'))
    return
  }
  const r = risk.data.portfolio
  const u = r.unifiedMargin, ce = r.capitalEfficiency
  panel('unified', 'Unified margin', !u ? h('p', { class: 'muted' }, 'No account has a good snapshot yet.') : h('div', {},
    h('p', {}, h('span', { class: 'big', id: 'unified-im' }, usd(u.initialMargin)), ' unified initial margin (VaR 99 % ', usd(u.var99), ', ES 97.5 % ', usd(u.es975), ', stress ', usd(u.stress), u.floorApplied ? ', floor applied' : '', ')'),
    ce ? h('p', {}, 'Venues ask ', usd(ce.sumOfVenueInitialMargins), ' in all; netted, ', h('strong', { id: 'freed' }, usd(ce.freed)), ' is freed.') : '',
    ce && ce.rebalancing.length ? table([['Move'], ['Amount', 'num'], ['Why']], ce.rebalancing.map((s) => [[s.asset + ' ' + s.fromVenue + ' → ' + s.toVenue], [usd(s.amount), 'num'], [s.reason]])) : ''))

  const nearest = r.liquidationDistances.filter((l) => l.move !== null).sort((a, b) => Math.abs(a.move) - Math.abs(b.move))
  panel('liquidations', 'Nearest liquidations (one factor moving)', nearest.length === 0 ? h('p', { class: 'ok' }, 'No single price move liquidates an account.') :
    table([['Account'], ['Factor'], ['Price', 'num'], ['Move', 'num']], nearest.map((l) => [[l.venue + ' · ' + l.accountLabel], [l.factor], [usd(l.price), 'num'], [pct(l.move), Math.abs(l.move) < 0.1 ? 'num bad' : Math.abs(l.move) < 0.25 ? 'num warn' : 'num']])))
}

$('portfolio').addEventListener('change', (e) => { portfolioId = e.target.value; history.replaceState(null, '', '?portfolio=' + portfolioId); refresh() })
$('key').value = sessionStorage.getItem('crossmargin-api-key') || ''
$('key-form').addEventListener('submit', (e) => { e.preventDefault(); sessionStorage.setItem('crossmargin-api-key', $('key').value.trim()); loadPortfolios().then(refresh) })
loadPortfolios().then(refresh)
setInterval(refresh, 15000)
`

export function dashboardHtml(graphqlPath: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>crossmargin</title><style>${STYLE}</style></head>
<body data-graphql="${graphqlPath.replace(/[^A-Za-z0-9/_-]/g, '')}">
<header><h1>crossmargin</h1>
  <select id="portfolio" aria-label="Portfolio"></select>
  <span id="status" class="muted"></span>
  <form id="key-form" style="margin-left:auto"><input id="key" type="password" placeholder="API key (if required)" aria-label="API key" autocomplete="off"> <button>Use</button></form>
  <a href="${graphqlPath.replace(/[^A-Za-z0-9/_-]/g, '')}" style="color:#aab">GraphiQL</a>
</header>
<main>
  <section id="accounts"></section>
  <section id="calls"></section>
  <section id="unified"></section>
  <section id="liquidations"></section>
  <section id="margins"></section>
  <section id="exposures"></section>
</main>
<script>${SCRIPT}</script>
</body></html>`
}
