import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { e2ePorts } from "./ports.ts";
import { readDemoSecrets } from "./secrets.ts";

const run = promisify(execFile);
const bootstrap = `127.0.0.1:${e2ePorts.kafka}`;

function kcatSasl(mechanism: string, password = readDemoSecrets().saslPassword): string[] {
  const { saslUsername } = readDemoSecrets();
  return [
    "-b",
    bootstrap,
    "-X",
    "security.protocol=SASL_PLAINTEXT",
    "-X",
    `sasl.mechanisms=${mechanism}`,
    "-X",
    `sasl.username=${saslUsername}`,
    "-X",
    `sasl.password=${password}`,
  ];
}

async function kcatProduce(topic: string, lines: string[], mechanism: string): Promise<void> {
  const child = execFile("kcat", [...kcatSasl(mechanism), "-P", "-t", topic, "-X", "acks=all"]);
  child.stdin?.end(`${lines.join("\n")}\n`);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(code).toBe(0);
}

test("kcat produces and consumes with the banner's SCRAM-SHA-256 credential", async () => {
  const topic = `banner-scram-${Date.now()}`;
  const lines = ["alpha", "beta", "gamma"];
  await kcatProduce(topic, lines, "SCRAM-SHA-256");
  const { stdout } = await run(
    "kcat",
    [...kcatSasl("SCRAM-SHA-256"), "-C", "-t", topic, "-o", "beginning", "-e", "-q"],
    {
      timeout: 30_000,
    },
  );
  expect(stdout.trim().split("\n")).toEqual(lines);
});

test("confluent-kafka (librdkafka) round-trips through PLAIN with the banner's credential", async () => {
  const { saslUsername, saslPassword } = readDemoSecrets();
  const topic = `banner-plain-${Date.now()}`;
  const script = `
import sys
from confluent_kafka import Producer, Consumer
conf = {"bootstrap.servers": sys.argv[1], "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanisms": "PLAIN", "sasl.username": sys.argv[2], "sasl.password": sys.argv[3]}
p = Producer({**conf, "acks": "all"})
for i in range(5):
    p.produce(sys.argv[4], key=str(i).encode(), value=("v%d" % i).encode())
assert p.flush(20) == 0
c = Consumer({**conf, "group.id": "banner-e2e", "auto.offset.reset": "earliest"})
c.subscribe([sys.argv[4]])
got = []
while len(got) < 5:
    m = c.poll(20)
    assert m is not None, "timed out"
    assert m.error() is None, m.error()
    got.append(m.value().decode())
c.close()
print(",".join(got))
`;
  const { stdout } = await run(
    "/usr/bin/python3",
    ["-c", script, bootstrap, saslUsername, saslPassword, topic],
    {
      timeout: 90_000,
    },
  );
  expect(stdout.trim()).toBe("v0,v1,v2,v3,v4");
});

test("a wrong password is refused with a SASL authentication error", async () => {
  const result = await run("kcat", [...kcatSasl("SCRAM-SHA-256", "not-the-password"), "-L"], {
    timeout: 30_000,
  }).then(
    () => "connected",
    (err: { stderr?: string }) => err.stderr ?? "",
  );
  expect(result).toMatch(/Authentication failed|SASL authentication error/i);
});
