import { describe, expect, it } from "vitest";
import { ConfigError, helpText, parseConfig } from "./config.ts";

function config(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseConfig(argv, { DATABASE_URL: "postgres://db", ...env });
  if (parsed.help) throw new Error("unexpected --help");
  return parsed.config;
}

describe("parseConfig", () => {
  it("applies defaults", () => {
    const c = config([]);
    expect(c).toMatchObject({
      clusterId: null,
      advertisedHost: "127.0.0.1",
      kafkaPort: 9092,
      httpPort: 10092,
      zone: "default",
      roles: ["produce", "fetch", "groups", "jobs"],
      batchTimeoutMs: 20,
      batchMaxBytes: 8 * 1024 * 1024,
      maxFlushesInFlight: 8,
      retentionCheckIntervalMs: 60_000,
      objectDeletionGraceMs: 60_000,
      offsetsRetentionMinutes: 10_080,
      compactionL1TargetBytes: 256 * 1024 * 1024,
      compactionL2TargetBytes: 1024 * 1024 * 1024,
      compactionL2FanIn: 32,
    });
  });

  it("lets flags win over environment variables", () => {
    const c = config(["--kafka-port", "9100", "--zone=b"], {
      STREAMBED_KAFKA_PORT: "9200",
      STREAMBED_ZONE: "a",
    });
    expect(c.kafkaPort).toBe(9100);
    expect(c.httpPort).toBe(10100);
    expect(c.zone).toBe("b");
  });

  it("uses the S3 batch timeout default for s3 buckets", () => {
    expect(config(["--bucket-url", "s3://b/p"]).batchTimeoutMs).toBe(250);
  });

  it("meters usage only with a control-plane URL, in windows that divide the hour", () => {
    expect(config([])).toMatchObject({ controlPlaneUrl: null, usageWindowMs: 60_000 });
    const c = config(["--usage-window-ms", "1000", "--usage-spool-dir", "/tmp/spool"], {
      STREAMBED_CONTROL_PLANE_URL: "http://127.0.0.1:3000",
    });
    expect(c).toMatchObject({
      controlPlaneUrl: "http://127.0.0.1:3000",
      usageWindowMs: 1000,
      usageSpoolDir: "/tmp/spool",
    });
    for (const bad of ["1500", "7000"])
      expect(() => config(["--usage-window-ms", bad])).toThrow(/--usage-window-ms/);
    expect(() => config(["--control-plane-url", "not a url"])).toThrow(/--control-plane-url/);
  });

  it("lists every invalid setting", () => {
    expect(() => parseConfig(["--kafka-port", "x", "--roles", "produce,nope"], {})).toThrow(
      ConfigError,
    );
    try {
      parseConfig(["--kafka-port", "x", "--roles", "produce,nope"], {});
    } catch (err) {
      expect((err as Error).message).toMatch(/--database-url/);
      expect((err as Error).message).toMatch(/--kafka-port/);
      expect((err as Error).message).toMatch(/--roles/);
    }
  });

  it("rejects unknown flags and documents every option", () => {
    expect(() => parseConfig(["--nope"], {})).toThrow(ConfigError);
    expect(parseConfig(["--help"], {})).toEqual({ help: true });
    for (const flag of [
      "--database-url",
      "--cluster-id",
      "--agent-key",
      "--bucket-url",
      "--advertised-host",
      "--kafka-port",
      "--http-port",
      "--zone",
      "--roles",
      "--batch-timeout-ms",
      "--batch-max-bytes",
    ]) {
      expect(helpText()).toContain(flag);
    }
  });
});
