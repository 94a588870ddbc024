// graphql-codegen: resolver types generated from schema.graphql (`npm run generate`).
import type { CodegenConfig } from '@graphql-codegen/cli'

const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'generated/graphql/resolvers.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useTypeImports: true,
        contextType: '../../api/context.js#ApiContext',
        mappers: {
          Portfolio: '../../api/models.js#PortfolioModel',
          Account: '../../api/models.js#AccountModel',
          Snapshot: '../../api/models.js#SnapshotModel',
          SnapshotSummary: '../../api/models.js#SnapshotSummaryModel',
          Position: '../../api/models.js#PositionModel',
          Balance: '../../api/models.js#BalanceModel',
          VenueMarginComparison: '../../api/models.js#VenueMarginComparisonModel',
          MarginCall: '../../api/models.js#MarginCallModel',
          MarginCallEvent: '../../api/models.js#MarginCallEventModel',
          ApiKey: '../../api/models.js#ApiKeyModel',
          AccountEvent: '../../api/models.js#AccountEventModel',
          Webhook: '../../api/models.js#WebhookModel',
          WebhookDelivery: '../../api/models.js#WebhookDeliveryModel',
        },
        // Decimals cross the API only as DecimalStrings: made by core/decimal.ts's toDecimalString, never a raw string.
        scalars: { Decimal: '../../core/decimal.js#DecimalString', DateTime: 'Date | string', JSON: 'unknown' },
        enumsAsTypes: true,
        avoidOptionals: { field: true },
      },
    },
  },
}

export default config
