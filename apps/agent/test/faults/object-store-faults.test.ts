import { describe, expect, it } from "vitest";
import {
  LOAD_MS,
  TIMEOUT,
  judge,
  objectRequestFailures,
  sleep,
  useFaultScenarioHooks,
  startScenario,
} from "./scenario-support.ts";

const db = useFaultScenarioHooks();

describe("fault scenario", () => {
  it(
    "object store with 10% errors, latency spikes, stalls and lost PUT answers: nothing acknowledged is lost",
    async () => {
      const { slots, load } = await startScenario(db.url, "store-faults", [
        "--store-faults",
        "seed=7,error_rate=0.1,latency_ms=400,latency_rate=0.05,stall_rate=0.01,lost_put_rate=0.02",
        // Stalls end here, as a black-holed S3 connection ends at the SDK's request timeout.
        "--object-request-timeout-ms",
        "3000",
      ]);
      await sleep(LOAD_MS);
      const failures = await objectRequestFailures(slots);
      await load.finish();
      await judge("object-store-errors", load, null);
      console.log(`[fault scenario] object-store-errors: ${failures} object requests failed`);
      expect(failures).toBeGreaterThan(10);
    },
    TIMEOUT,
  );
});
