// Jest's `expect` taking Vitest's optional second argument, a message naming the case (the venue, the factor), put in
// front of the failure: assertions in a loop then say which case failed.
import { expect as jestExpect } from '@jest/globals'

type Matchers = ReturnType<typeof jestExpect>

function prefixed(error: unknown, message: string): unknown {
  if (!(error instanceof Error)) return error
  const before = error.message
  error.message = `${message}: ${before}`
  return error
}

/** The matchers (and `.not`, `.resolves`, `.rejects`) of `expect(actual)`, each failure prefixed with `message`. */
function withMessage<T extends object>(target: T, message: string): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value: unknown = Reflect.get(object, key, receiver)
      if (typeof value === 'object' && value !== null) return withMessage(value, message)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        try {
          const result: unknown = Reflect.apply(value, object, args)
          // `.resolves` and `.rejects` matchers answer a promise that rejects on failure.
          return result instanceof Promise
            ? result.catch((error: unknown) => {
                throw prefixed(error, message)
              })
            : result
        } catch (error) {
          throw prefixed(error, message)
        }
      }
    },
  })
}

/** `expect(value, 'what this case is')`: Jest's expect, statics (`expect.any`, `expect.closeTo`, ...) included. */
export const expect: typeof jestExpect & (<T>(actual: T, message?: string) => Matchers) = Object.assign(
  <T>(actual: T, message?: string): Matchers => (message === undefined ? jestExpect(actual) : withMessage(jestExpect(actual), message)),
  jestExpect,
)
