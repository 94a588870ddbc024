// Where GMX v2 lives on each chain it is deployed on: chain id, the public API and the contracts the connector reads.
// Reader and DataStore: gmx-synthetics deployments/<chain>/{Reader,DataStore}.json; ReferralStorage (shared with GMX
// v1, so not redeployed): gmx-synthetics config/overwrite.ts; both at commit a5c0c8835182cbd84e47dca04b971239311d2f1d
// (March 2026). API hosts: https://docs.gmx.io/docs/api/rest.

export const GMX_CHAINS = ['arbitrum', 'avalanche'] as const
export type GmxChain = (typeof GMX_CHAINS)[number]

export interface GmxDeployment {
  chainId: number
  apiUrl: string
  reader: string
  dataStore: string
  referralStorage: string
}

export const GMX_DEPLOYMENTS: Record<GmxChain, GmxDeployment> = {
  arbitrum: {
    chainId: 42161,
    apiUrl: 'https://arbitrum-api.gmxinfra.io',
    reader: '0x470fbC46bcC0f16532691Df360A07d8Bf5ee0789',
    dataStore: '0xFD70de6b91282D8017aA4E741e9Ae325CAb992d8',
    referralStorage: '0xe6fab3F0c7199b0d34d7FbE83394fc0e0D06e99d',
  },
  avalanche: {
    chainId: 43114,
    apiUrl: 'https://avalanche-api.gmxinfra.io',
    reader: '0x62Cb8740E6986B29dC671B2EB596676f60590A5B',
    dataStore: '0x2F0b22339414ADeD7D5F06f9D604c7fF5b2fe3f6',
    referralStorage: '0x827ED045002eCdAbEb6e2b0d1604cf5fC3d322F8',
  },
}
