// The one payload check: a venue's answer that does not fit its schema is VenueRejected naming the venue, what was
// read and the first field at fault, without quoting the answer.
import { describe, expect, test } from '@jest/globals'
import { z } from 'zod'
import { VenueRejected, VenueUnavailable } from '../core/errors.js'
import { parseCcxtPayload, parsePayload } from './payload.js'

const Schema = z.looseObject({ positions: z.array(z.looseObject({ size: z.string() })) })

describe('parsePayload', () => {
  test('an answer that fits comes back typed, with the fields the schema does not name kept', () => {
    expect(parsePayload('venue', Schema, { positions: [{ size: '1.5', extra: true }] }, 'positions')).toEqual({ positions: [{ size: '1.5', extra: true }] })
  })

  test('a field of the wrong type is VenueRejected naming venue, what and path, and not the value', () => {
    let error: unknown
    try {
      parsePayload('venue', Schema, { positions: [{ size: '1' }, { size: 31337 }] }, 'position list')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(VenueRejected)
    expect((error as Error).message).toBe('venue sent an unusable position list: positions[1].size: Invalid input: expected string, received number')
    expect((error as Error).message).not.toContain('31337')
  })

  test('unexpected keys of a strict schema are counted, not named', () => {
    expect(() => parsePayload('venue', z.strictObject({}), { apiSecret: 'x' }, 'answer')).toThrow('venue sent an unusable answer: (the whole answer): 1 unexpected field(s)')
  })

  test('through ccxt, text instead of JSON is transient (VenueUnavailable); JSON of another shape is not', () => {
    expect(() => parseCcxtPayload('venue', Schema, '<html>502</html>', 'positions')).toThrow(VenueUnavailable)
    expect(() => parseCcxtPayload('venue', Schema, { positions: 'none' }, 'positions')).toThrow(VenueRejected)
  })
})
