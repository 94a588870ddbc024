// Prisma CLI settings: where the schema and migrations are; the URL is only needed by `prisma migrate deploy`.
import { defineConfig } from 'prisma/config'

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/crossmargin' },
})
