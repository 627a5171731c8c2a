import { describe, it } from "vitest";
import { longestAckGap, MAX_WAIT_MS } from "./recorded-load.ts";
import {
  LOAD_MS,
  TIMEOUT,
  agents,
  judge,
  sleep,
  useFaultScenarioHooks,
  startScenario,
} from "./scenario-support.ts";

const db = useFaultScenarioHooks();

describe("fault scenario", () => {
  it(
    "agent SIGKILL every 3 s among three agents: nothing acknowledged is lost",
    async () => {
      const { start, load } = await startScenario(db.url, "kill-loop");
      const ends = Date.now() + LOAD_MS;
      for (let i = 1; Date.now() < ends; i++) {
        await sleep(3000);
        await agents[i % 3]!.kill("SIGKILL");
        await start(i % 3);
      }
      // KafkaJS 2.2.4 replaces its fetchers after a broker's connection closes once their fetches
      // in flight answer; a disconnect in that window leaves the new fetchers spinning in a
      // microtask loop that nothing can end (its fetch manager does not check that the runner
      // stopped). Let the last kill's replacement finish first.
      await sleep(2 * MAX_WAIT_MS + 1000);
      await load.finish();
      await judge("agent-sigkill-loop", load, longestAckGap(load.ackTimes, 1000));
    },
    TIMEOUT,
  );
});
