/**
 * Operations as a platform user automates and performs them: a cluster and a credential
 * provisioned over the REST API and used at once by a real Kafka client; a consumer group's
 * offsets reset in the console (and refused while the group has a live member); a topic config
 * edited in the console and seen by kafka-python's DescribeConfigs.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { Kafka, logLevel, type Consumer } from "kafkajs";
import { e2ePorts } from "../platform/ports.ts";
import { readDemoSecrets } from "../platform/secrets.ts";

test.describe.configure({ mode: "serial" });

const run = randomBytes(3).toString("hex");
const bootstrap = `127.0.0.1:${e2ePorts.kafka}`;
let page: Page;
let clusterId = "";

function demoKafka(clientId: string): Kafka {
  const secrets = readDemoSecrets();
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    sasl: {
      mechanism: "scram-sha-256",
      username: secrets.saslUsername,
      password: secrets.saslPassword,
    },
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
}

/** Joins `groupId`, reads until it has `count` records of `topic`, commits; returns it running. */
async function consumeAll(groupId: string, topic: string, count: number): Promise<Consumer> {
  const consumer = demoKafka(`e2e-ops-${run}`).consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        if (++seen === count) resolve();
      },
    });
  });
  await consumer.commitOffsets([]);
  return consumer;
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  const secrets = readDemoSecrets();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(secrets.demoEmail);
  await page.getByLabel("Password").fill(secrets.demoPassword);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("link", { name: "demo", exact: true }).click();
  await page.waitForURL(/\/clusters\/[^/]+$/);
  clusterId = new URL(page.url()).pathname.split("/")[2]!;
});

test("a cluster and a credential provisioned over REST serve a Kafka client at once", async ({
  request,
}) => {
  const headers = { authorization: `Bearer ${readDemoSecrets().apiKey}` };
  const create = () =>
    request.post("/api/v1/clusters", {
      headers: { ...headers, "idempotency-key": `cluster-${run}` },
      data: { name: `rest-${run}` },
    });
  const created = await create();
  expect(created.status()).toBe(201);
  const { data: cluster } = (await created.json()) as { data: { id: string; name: string } };
  expect(cluster.name).toBe(`rest-${run}`);
  // A retry with the same key gets the same cluster, not a second one.
  expect(((await (await create()).json()) as { data: { id: string } }).data.id).toBe(cluster.id);

  const credential = await request.post(`/api/v1/clusters/${cluster.id}/credentials`, {
    headers,
    data: { description: "provisioned by e2e" },
  });
  expect(credential.status()).toBe(201);
  const { data: sasl } = (await credential.json()) as {
    data: { username: string; password: string };
  };
  const topic = await request.post(`/api/v1/clusters/${cluster.id}/topics`, {
    headers,
    data: { name: "orders", partitions: 2 },
  });
  expect(topic.status()).toBe(201);

  const kcat = [
    ...["-b", bootstrap, "-X", "security.protocol=SASL_PLAINTEXT"],
    ...["-X", "sasl.mechanisms=SCRAM-SHA-256"],
    ...["-X", `sasl.username=${sasl.username}`, "-X", `sasl.password=${sasl.password}`],
  ];
  execFileSync("kcat", [...kcat, "-P", "-t", "orders", "-k", "k"], { input: "one\ntwo\nthree\n" });
  const read = execFileSync("kcat", [...kcat, "-C", "-t", "orders", "-o", "beginning", "-e"], {
    encoding: "utf8",
  });
  expect(read.trim().split("\n").sort()).toEqual(["one", "three", "two"]);

  const listed = await request.get(`/api/v1/clusters/${cluster.id}/topics`, { headers });
  expect(JSON.stringify(await listed.json())).toContain('"orders"');
});

test("resets an idle group's offsets in the console and refuses while a member is live", async () => {
  test.setTimeout(120_000);
  const topic = `ops-${run}`;
  const groupId = `ops-group-${run}`;
  const admin = demoKafka(`e2e-ops-admin-${run}`).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = demoKafka(`e2e-ops-producer-${run}`).producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: 25 }, (_, i) => ({ value: `m${i}` })),
  });
  await producer.disconnect();
  const live = await consumeAll(groupId, topic, 25);

  await page.goto(`/clusters/${clusterId}/groups/${encodeURIComponent(groupId)}`);
  await expect(page.getByTestId("group-total-lag")).toHaveText("0", { timeout: 30_000 });
  await page.getByRole("button", { name: "Reset offsets" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Reset offsets" }).click();
  await expect(dialog.getByTestId("reset-error")).toContainText("active member");

  await live.disconnect();
  await expect(async () => {
    await dialog.getByRole("button", { name: "Reset offsets" }).click();
    await expect(dialog).toBeHidden({ timeout: 3_000 });
  }).toPass({ timeout: 30_000, intervals: [1_000] });
  await expect(page.getByTestId("group-total-lag")).toHaveText("25", { timeout: 15_000 });
});

test("a topic config edited in the console is what kafka-python's DescribeConfigs reports", async () => {
  const topic = `ops-${run}`;
  await page.goto(`/clusters/${clusterId}/topics/${encodeURIComponent(topic)}`);
  await page.getByRole("button", { name: "Edit retention.ms" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Value/).fill("3600000");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("config-retention.ms").getByTestId("config-value")).toContainText(
    "3600000",
  );

  const secrets = readDemoSecrets();
  const script = [
    "import sys",
    "from kafka.admin import KafkaAdminClient, ConfigResource, ConfigResourceType",
    "admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], security_protocol='SASL_PLAINTEXT',",
    "    sasl_mechanism='SCRAM-SHA-256', sasl_plain_username=sys.argv[2], sasl_plain_password=sys.argv[3])",
    "res = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, sys.argv[4])])",
    "for name, value, *rest in res[0].resources[0][4]:",
    "    if name == 'retention.ms': print(value)",
    "admin.close()",
  ].join("\n");
  const out = execFileSync(
    "/usr/bin/python3",
    ["-c", script, bootstrap, secrets.saslUsername, secrets.saslPassword, topic],
    { encoding: "utf8" },
  );
  expect(out.trim()).toBe("3600000");
});
