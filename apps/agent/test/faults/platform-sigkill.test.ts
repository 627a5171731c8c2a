import { describe, it } from "vitest";
import {
  soak,
  LOAD_MS,
  TIMEOUT,
  agents,
  judge,
  sleep,
  firstAckAfter,
  useFaultScenarioHooks,
  startScenario,
} from "./scenario-support.ts";

const db = useFaultScenarioHooks();

describe("fault scenario", () => {
  it(
    "every agent SIGKILLed at once mid-load and restarted on the same data: nothing is lost",
    async () => {
      const { slots, start, load } = await startScenario(db.url, "platform-kill");
      const rounds = soak ? 4 : 1;
      const recoveries: number[] = [];
      const restarts: number[] = [];
      for (let round = 0; round < rounds; round++) {
        await sleep(LOAD_MS / (rounds + 1));
        await Promise.all(agents.map((a) => a.kill("SIGKILL")));
        const killedAt = load.history.now();
        for (let i = 0; i < slots.length; i++) await start(i);
        restarts.push(Math.round(load.history.now() - killedAt));
        recoveries.push(await firstAckAfter(load, killedAt));
      }
      await sleep(LOAD_MS / (rounds + 1));
      await load.finish();
      const recoveryMs = Math.max(...recoveries);
      await judge("platform-sigkill", load, recoveryMs);
      console.log(
        `[fault scenario] platform-sigkill: ${rounds} whole-platform kill(s); first acknowledgement ` +
          `after each kill: ${recoveries.join(", ")} ms, of which restarting the three agents ` +
          `(one after another) took ${restarts.join(", ")} ms`,
      );
    },
    TIMEOUT + 60_000,
  );
});
