// How every npm script ends: a fault the user can fix (bad config, a database another process holds) is one line
// naming it and exit 1, not a stack trace; anything else is shown whole.
import { isCrossmarginError } from '../core/errors.js'
import { DataDirInUse } from '../core/db/data-dir-lock.js'

export async function runScript(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (error) {
    if (isCrossmarginError(error) || error instanceof DataDirInUse) console.error(`crossmargin: ${error.message}`)
    else console.error(error)
    process.exitCode = 1
  }
}
