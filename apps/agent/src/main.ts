import { pino } from "pino";
import { startAgent } from "./agent.ts";
import { ConfigError, helpText, parseConfig } from "./config.ts";

let parsed;
try {
  parsed = parseConfig(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`streambed-agent: ${err.message}\n\n${helpText()}`);
  process.exit(2);
}
if (parsed.help) {
  console.log(helpText());
  process.exit(0);
}

const config = parsed.config;
const logger = pino({ level: config.logLevel, base: { service: "agent" } });
process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled rejection"));

const agent = await startAgent(config, logger).catch((err: unknown) => {
  logger.fatal({ err }, "agent failed to start");
  process.exit(1);
});

// Revoked in the console while running: stopped gracefully; exit non-zero so it is noticed.
void agent.stoppedBy.then(() => process.exit(1));

let signals = 0;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    // A second signal means "now": skip the graceful path.
    if (++signals > 1) process.exit(1);
    logger.info({ signal }, "shutting down");
    agent.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
