// GraphiQL served by this server itself, so the playground works with no internet: the page is a small HTML
// shell and its scripts are local assets cut from @graphql-yoga/render-graphiql's self-contained bundle.
import { createHash } from 'node:crypto'
import { renderGraphiQL } from '@graphql-yoga/render-graphiql'

export interface GraphiqlAssets {
  html: string
  scripts: Map<string, string>
}

const EXAMPLE_QUERY = `# crossmargin: your margin across every venue.
query Portfolios {
  portfolios {
    id
    name
    dataAsOf
    accounts {
      venue
      label
      status
      dataAgeSeconds
      lastSnapshot {
        asOf
        positions { instrument { venueSymbol underlying } size entryPrice markPrice liquidationPrice }
        balances { asset kind amount valueUsd }
      }
    }
    exposures { asset netUnits netUsd grossUsd byVenue { venue units usd } }
    venueMargins {
      venue
      reported { healthFactor marginRatio maintenanceMargin totalCollateral totalDebt }
      replicated { healthFactor marginRatio maintenanceMargin totalCollateral totalDebt }
      differences { field reported replicated difference }
    }
  }
}
`

export function buildGraphiql(endpoint: string, assetPrefix: string): GraphiqlAssets {
  const page = renderGraphiQL({ endpoint, title: 'crossmargin', defaultQuery: EXAMPLE_QUERY, subscriptionsProtocol: 'WS' })
  const scripts = new Map<string, string>()
  const html = page.replace(/<script>([\s\S]*?)<\/script>/g, (_match, body: string) => {
    const name = `${createHash('sha256').update(body).digest('hex').slice(0, 16)}.js`
    scripts.set(name, body)
    return `<script src="${assetPrefix}/${name}"></script>`
  })
  return { html, scripts }
}
