import type { TestProject } from "vitest/node";
import { startTestPostgres } from "@streambed/db/testing";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startTestPostgres();
  project.provide("postgresAdminUrl", postgres.adminUrl);
  return postgres.teardown;
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}
