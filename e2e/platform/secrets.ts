import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface DemoSecrets {
  demoEmail: string;
  demoPassword: string;
  saslUsername: string;
  saslPassword: string;
  apiKey: string;
}

/** What `npm start` printed in its banner, read from the data dir it keeps them in. */
export function readDemoSecrets(): DemoSecrets {
  const dataDir = process.env.STREAMBED_E2E_DATA_DIR;
  if (!dataDir)
    throw new Error("STREAMBED_E2E_DATA_DIR is not set (run through playwright.config.ts)");
  return JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as DemoSecrets;
}
