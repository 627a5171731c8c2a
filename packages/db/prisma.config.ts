import { defineConfig } from "prisma/config";

// The URL is only needed by Prisma CLI commands that talk to a database (`prisma migrate deploy`
// where the schema engine exists, `prisma studio`); `prisma generate` runs without it.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
