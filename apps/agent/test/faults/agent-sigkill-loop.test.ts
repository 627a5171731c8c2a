import { describe, it } from "vitest";
import { createTopic } from "../support/kafkajs-admin.ts";
import { longestAckGap, startRecordedLoad } from "./recorded-load.ts";
import {
  LOAD_MS,
  TIMEOUT,
  agents,
  startAgents,
  bootstrapOf,
  judge,
  sleep,
  useFaultScenarioHooks,
} from "./scenario-support.ts";

const db = useFaultScenarioHooks();

describe("fault scenario", () => {
  // KafkaJS 2.2.4's consumer can spin in a microtask loop here (its runner stops while its
  // fetchers go on, each fetch answering [] at once), which no test timeout can end: run on
  // demand until that is understood (see the issue note of 2026-12-03).
  it.runIf(process.env.STREAMBED_FAULTS_KILL_LOOP === "1")(
    "agent SIGKILL every 3 s among three agents: nothing acknowledged is lost",
    async () => {
      const { slots, start } = await startAgents(db.url, "kill-loop");
      await createTopic(bootstrapOf(slots)[0]!, "kill-loop", 4);
      const load = await startRecordedLoad({
        bootstrap: bootstrapOf(slots),
        topic: "kill-loop",
        partitions: 4,
        producers: 2,
        group: "kill-loop-group",
      });
      const ends = Date.now() + LOAD_MS;
      for (let i = 1; Date.now() < ends; i++) {
        await sleep(3000);
        await agents[i % 3]!.kill("SIGKILL");
        await start(i % 3);
      }
      await load.finish();
      await judge("agent-sigkill-loop", load, longestAckGap(load.ackTimes, 1000));
    },
    TIMEOUT,
  );
});
