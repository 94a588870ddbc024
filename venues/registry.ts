// Every venue crossmargin can index, by id. Adding a venue is a new folder under venues/ and one line here.
import type { AnyVenueConnector } from './types.js'
import { aaveV3Connector } from './aave-v3/connector.js'
import { binanceConnector } from './binance/connector.js'
import { hyperliquidConnector } from './hyperliquid/connector.js'
import { dydxV4Connector } from './dydx-v4/connector.js'
import { deribitConnector } from './deribit/connector.js'
import { bybitConnector } from './bybit/connector.js'
import { okxConnector } from './okx/connector.js'

export const venueConnectors: Record<string, AnyVenueConnector> = {
  [aaveV3Connector.descriptor.id]: aaveV3Connector,
  [binanceConnector.descriptor.id]: binanceConnector,
  [hyperliquidConnector.descriptor.id]: hyperliquidConnector,
  [dydxV4Connector.descriptor.id]: dydxV4Connector,
  [deribitConnector.descriptor.id]: deribitConnector,
  [bybitConnector.descriptor.id]: bybitConnector,
  [okxConnector.descriptor.id]: okxConnector,
}
