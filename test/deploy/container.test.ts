// No Docker engine runs here, so the Dockerfile and docker-compose.yml are checked by parsing: stages, non-root
// user, health check, and a compose topology whose app reaches its database.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, test } from '@jest/globals'
import { expect } from '../support/expect.js'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

function instructions(dockerfile: string): { op: string; args: string }[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/)
      return { op: op!.toUpperCase(), args: rest.join(' ') }
    })
}

describe('Dockerfile', () => {
  const steps = instructions(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))
  const known = new Set(['FROM', 'WORKDIR', 'COPY', 'RUN', 'ENV', 'USER', 'EXPOSE', 'VOLUME', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD', 'ARG', 'LABEL'])

  test('every instruction is a Dockerfile instruction', () => {
    for (const s of steps) expect(known.has(s.op), s.op).toBe(true)
  })

  test('is multi-stage and the runtime stage copies from the build stage', () => {
    const froms = steps.filter((s) => s.op === 'FROM')
    expect(froms.length).toBeGreaterThanOrEqual(2)
    const buildName = /AS\s+(\S+)/i.exec(froms[0]!.args)![1]!
    const runtimeStart = steps.indexOf(froms[froms.length - 1]!)
    expect(steps.slice(runtimeStart).some((s) => s.op === 'COPY' && s.args.includes(`--from=${buildName}`))).toBe(true)
  })

  test('the syntax directive is the first line, the only place BuildKit reads it', () => {
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8').split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
  })

  test('every stage is built on one exact Node release of an LTS line CI tests on (22)', () => {
    const args = new Map(steps.filter((s) => s.op === 'ARG').map((s) => s.args.split('=') as [string, string]))
    const images = steps.filter((s) => s.op === 'FROM').map((s) => s.args.split(/\s+/)[0]!.replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? name))
    expect(new Set(images).size).toBe(1)
    expect(images[0]).toMatch(/^node:22\.\d+\.\d+-bookworm-slim$/)
  })

  test('runs as a non-root user, exposes the API port and has a health check', () => {
    const runtime = steps.slice(steps.lastIndexOf(steps.filter((s) => s.op === 'FROM').pop()!))
    const user = runtime.filter((s) => s.op === 'USER').pop()
    expect(user?.args).toBeDefined()
    expect(user!.args).not.toMatch(/^(root|0)(:|$)/)
    expect(runtime.some((s) => s.op === 'EXPOSE' && s.args.includes('4000'))).toBe(true)
    expect(runtime.some((s) => s.op === 'HEALTHCHECK' && s.args.includes('/healthz'))).toBe(true)
  })
})

describe('.dockerignore', () => {
  test("keeps the host's installs, builds and secrets out of the image", () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim())
    for (const entry of ['**/node_modules', 'generated', '.env', '.crossmargin']) expect(ignored).toContain(entry)
  })
})

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { depends_on?: Record<string, { condition: string }>; environment?: Record<string, string>; healthcheck?: unknown }> }

  test('the app waits for a healthy PostgreSQL and reaches it by DATABASE_URL', () => {
    const app = compose.services.crossmargin!
    expect(app.depends_on?.postgres?.condition).toBe('service_healthy')
    expect(compose.services.postgres!.healthcheck).toBeDefined()
    expect(app.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/.+@postgres:5432\//)
  })
})
