import { describe, expect, it } from "vitest";
import { createTopic } from "../support/kafkajs-admin.ts";
import { startRecordedLoad } from "./recorded-load.ts";
import {
  LOAD_MS,
  TIMEOUT,
  startAgents,
  bootstrapOf,
  judge,
  objectRequestFailures,
  sleep,
  useFaultScenarioHooks,
} from "./scenario-support.ts";

const db = useFaultScenarioHooks();

describe("fault scenario", () => {
  it(
    "object store with 10% errors, latency spikes, stalls and lost PUT answers: nothing acknowledged is lost",
    async () => {
      const { slots } = await startAgents(db.url, "store-faults", [
        "--store-faults",
        "seed=7,error_rate=0.1,latency_ms=400,latency_rate=0.05,stall_rate=0.01,lost_put_rate=0.02",
        // Stalls end here, as a black-holed S3 connection ends at the SDK's request timeout.
        "--object-request-timeout-ms",
        "3000",
      ]);
      await createTopic(bootstrapOf(slots)[0]!, "store-faults", 4);
      const load = await startRecordedLoad({
        bootstrap: bootstrapOf(slots),
        topic: "store-faults",
        partitions: 4,
        producers: 2,
        group: "store-faults-group",
      });
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
