// The local DataStore's keys, laid out byte by byte as Solidity's abi.encode does (not through ethers' AbiCoder, which
// the connector uses): a connector hashing a key differently from Keys.sol finds nothing here and reads 0.
import { keccak256, toUtf8Bytes, hexlify } from 'ethers'

const word = (hex: string) => hex.replace(/^0x/, '').padStart(64, '0')

/** abi.encode(string): head (offset 0x20), length, then the bytes right-padded to whole words. */
function abiEncodeString(text: string): string {
  const bytes = hexlify(toUtf8Bytes(text)).slice(2)
  const padded = bytes.padEnd(Math.ceil(bytes.length / 64) * 64, '0')
  return `0x${word('20')}${word((bytes.length / 2).toString(16))}${padded}`
}

export function solidityBaseKey(name: string): string {
  return keccak256(abiEncodeString(name))
}

/** abi.encode(bytes32 baseKey, address market): two static words. */
export function solidityMarketKey(name: string, market: string): string {
  return keccak256(`0x${word(solidityBaseKey(name))}${word(market.toLowerCase())}`)
}

/** abi.encode(address account, address market, address collateralToken, bool isLong): Position.getPositionKey. */
export function solidityPositionKey(account: string, market: string, collateralToken: string, isLong: boolean): string {
  return keccak256(`0x${word(account.toLowerCase())}${word(market.toLowerCase())}${word(collateralToken.toLowerCase())}${word(isLong ? '1' : '0')}`)
}
