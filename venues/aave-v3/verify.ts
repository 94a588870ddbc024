// Before an Aave v3 account is stored: the RPC serves the configured chain, and the PoolAddressesProvider is a
// contract that names a pool. A wrong address or chain is the config's mistake, refused naming the key; only the
// chain's definite answer refuses (no code, a revert, an answer that is no address). A node that times out or fails
// is VenueUnavailable and only leaves the account unverified (the caller's rule, venues/types.ts).
import { InvalidInput, VenueRejected } from '../../core/errors.js'
import { evmRpcErrors } from '../evm-rpc.js'
import type { AccountVerification, FetchContext } from '../types.js'
import { ADDRESSES_PROVIDER } from './abi.js'
import type { AaveV3Client } from './connector.js'
import type { AaveV3Config } from './descriptor.js'

const rpc = evmRpcErrors('aave-v3', 'is poolAddressesProvider an Aave v3 PoolAddressesProvider on this chain?')

export async function verifyAaveAccount(client: AaveV3Client, config: AaveV3Config, ctx: FetchContext): Promise<AccountVerification> {
  const { provider } = client
  const chainId = Number(await rpc.round('reading the chain id', ctx.signal, () => provider.send('eth_chainId', []) as Promise<string>))
  if (config.chainId !== undefined && chainId !== config.chainId) throw new InvalidInput('chainId', `is ${config.chainId}, but the RPC serves chain ${chainId}`)
  if ((await rpc.round('reading the PoolAddressesProvider’s code', ctx.signal, () => provider.getCode(config.poolAddressesProvider))) === '0x') {
    throw new InvalidInput('poolAddressesProvider', `no contract at ${config.poolAddressesProvider} on chain ${chainId}`)
  }
  let pool: string
  try {
    pool = await rpc.round('asking the PoolAddressesProvider for its pool', ctx.signal, async () => {
      const answer = await provider.call({ to: config.poolAddressesProvider, data: ADDRESSES_PROVIDER.encodeFunctionData('getPool') })
      return ADDRESSES_PROVIDER.decodeFunctionResult('getPool', answer)[0] as string
    })
  } catch (error) {
    // A revert or an undecodable answer is the contract's; a timeout or a node error is not, and passes on.
    if (error instanceof VenueRejected) throw new InvalidInput('poolAddressesProvider', `the contract at ${config.poolAddressesProvider} is not an Aave v3 PoolAddressesProvider (getPool failed: ${error.message})`)
    throw error
  }
  if ((await rpc.round('reading the pool’s code', ctx.signal, () => provider.getCode(pool))) === '0x') throw new InvalidInput('poolAddressesProvider', `its pool ${pool} has no code on chain ${chainId}`)
  return { warnings: [] }
}
