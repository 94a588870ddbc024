// The configuration file: the shipped example is valid and covers every venue; the daily-history settings default
// on and refuse a bad value naming its key.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { venueConnectors } from '../venues/index.js'
import { loadConfigFile, validateConfig } from './config.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('configuration', () => {
  test('crossmargin.example.yaml is valid and has an account of every venue', () => {
    const config = loadConfigFile(path.join(root, 'crossmargin.example.yaml'), venueConnectors)
    const venues = config.portfolios.flatMap((p) => p.accounts.map((a) => a.venue))
    expect([...venues].sort()).toEqual(Object.keys(venueConnectors).sort())
    // Every top-level setting is written out, so the example documents them all.
    const written = Object.keys(parseYaml(readFileSync(path.join(root, 'crossmargin.example.yaml'), 'utf8')) as object).sort()
    expect(written).toEqual(Object.keys(validateConfig({}, 'empty', venueConnectors)).sort())
  })

  test('the daily history is fetched by default, can be turned off, and a bad setting is named', () => {
    expect(validateConfig({}, 'c.yaml', venueConnectors).marketData.dailyHistory).toEqual({ url: 'https://api.binance.com', assets: ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'DOGE', 'AVAX', 'LINK'] })
    expect(validateConfig({ marketData: { dailyHistory: null } }, 'c.yaml', venueConnectors).marketData.dailyHistory).toBeNull()
    expect(() => validateConfig({ marketData: { dailyHistory: { url: 'not a url' } } }, 'c.yaml', venueConnectors)).toThrow(/c\.yaml: marketData\.dailyHistory\.url/)
    expect(() => validateConfig({ marketData: { dailyHistory: { assets: ['BTC', 'BTC/USDT'] } } }, 'c.yaml', venueConnectors)).toThrow(/marketData\.dailyHistory\.assets\[1\]: an asset symbol such as BTC/)
  })
})
