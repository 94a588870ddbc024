// Every venue crossmargin can index, by id. Adding a venue is a new folder under venues/ and one line here.
import type { AnyVenueConnector } from './types.js'
import { requestBudgets } from '../core/http/request-budget.js'
import { aaveV3Connector } from './aave-v3/connector.js'
import { binanceConnector } from './binance/connector.js'
import { hyperliquidConnector } from './hyperliquid/connector.js'
import { dydxV4Connector } from './dydx-v4/connector.js'
import { deribitConnector } from './deribit/connector.js'
import { bybitConnector } from './bybit/connector.js'
import { okxConnector } from './okx/connector.js'
import { gmxV2Connector } from './gmx-v2/connector.js'
import { compoundV3Connector } from './compound-v3/connector.js'

export const venueConnectors: Record<string, AnyVenueConnector> = {
  [aaveV3Connector.descriptor.id]: aaveV3Connector,
  [binanceConnector.descriptor.id]: binanceConnector,
  [hyperliquidConnector.descriptor.id]: hyperliquidConnector,
  [dydxV4Connector.descriptor.id]: dydxV4Connector,
  [deribitConnector.descriptor.id]: deribitConnector,
  [bybitConnector.descriptor.id]: bybitConnector,
  [okxConnector.descriptor.id]: okxConnector,
  [gmxV2Connector.descriptor.id]: gmxV2Connector,
  [compoundV3Connector.descriptor.id]: compoundV3Connector,
}

// Each venue's request budget, shared by all its accounts in this process (HTTP venues; ccxt venues share ccxt's
// own per-endpoint throttle, see ccxt-errors.ts).
for (const connector of Object.values(venueConnectors)) requestBudgets.configure(connector.descriptor.id, connector.descriptor.rateBudget)
