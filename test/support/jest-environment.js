// Jest's Node test environment, with the test code's global object an ordinary object rather than a proxy.
// Jest 30 builds each file's VM context on a Proxy (to track and delete globals a test sets), and V8 then routes every
// global lookup (`Math`, `Float64Array`, `Number`) through it: the risk engine's loops ran 20 to 40 times slower than
// under Node (Math.exp in a loop: 4.4 s against 0.1 s), and test/api/risk.test.ts twice as slow as under Vitest. A
// context made with vm.constants.DONT_CONTEXTIFY (Node 20.18+, 22.8+) has a plain global object: native speed. The
// cleanup the proxy served is not needed here, since every test file gets a new worker process (jest.config.js).
import vm from 'node:vm'
import { TestEnvironment } from 'jest-environment-node'

export default class PlainGlobalEnvironment extends TestEnvironment {
  constructor(config, context) {
    const createContext = vm.createContext
    // Jest's constructor makes its context with vm.createContext(proxy): make a plain one instead, for that call only.
    vm.createContext = () => createContext(vm.constants.DONT_CONTEXTIFY)
    try {
      super(config, context)
    } finally {
      vm.createContext = createContext
    }
  }
}
