// JSON-RPC plumbing for the GMX v2 connector: the chain venues' shared provider and error mapping (../evm-rpc.ts),
// with GMX's name and a hint at the contracts to check when an answer cannot be decoded.
import { evmRpcErrors } from '../evm-rpc.js'

export { createEvmProvider as createProvider, plain } from '../evm-rpc.js'

export const gmxRpc = evmRpcErrors('gmx-v2', 'are reader and dataStore GMX v2 contracts on this chain?')
export const mapRpcError = gmxRpc.mapError
export const rpcRound = gmxRpc.round
