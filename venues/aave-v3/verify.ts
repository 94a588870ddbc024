// Before an Aave v3 account is stored: the RPC serves the configured chain, and the PoolAddressesProvider is a
// contract that names a pool. A wrong address or chain is the config's mistake, refused naming the key; a node
// that cannot be reached only leaves the account unverified (the caller's rule).
import { InvalidInput } from '../../core/errors.js'
import type { AccountVerification, FetchContext } from '../types.js'
import { ADDRESSES_PROVIDER } from './abi.js'
import type { AaveV3Client } from './connector.js'
import type { AaveV3Config } from './descriptor.js'

export async function verifyAaveAccount(client: AaveV3Client, config: AaveV3Config, ctx: FetchContext): Promise<AccountVerification> {
  const { provider } = client
  ctx.signal.throwIfAborted()
  const chainId = Number(await provider.send('eth_chainId', []))
  if (config.chainId !== undefined && chainId !== config.chainId) throw new InvalidInput('chainId', `is ${config.chainId}, but the RPC serves chain ${chainId}`)
  if ((await provider.getCode(config.poolAddressesProvider)) === '0x') {
    throw new InvalidInput('poolAddressesProvider', `no contract at ${config.poolAddressesProvider} on chain ${chainId}`)
  }
  let pool: string
  try {
    const answer = await provider.call({ to: config.poolAddressesProvider, data: ADDRESSES_PROVIDER.encodeFunctionData('getPool') })
    pool = ADDRESSES_PROVIDER.decodeFunctionResult('getPool', answer)[0] as string
  } catch {
    throw new InvalidInput('poolAddressesProvider', `the contract at ${config.poolAddressesProvider} is not an Aave v3 PoolAddressesProvider (getPool failed)`)
  }
  if ((await provider.getCode(pool)) === '0x') throw new InvalidInput('poolAddressesProvider', `its pool ${pool} has no code on chain ${chainId}`)
  return { warnings: [] }
}
