export interface ConnectParams {
  bootstrap: string;
  username: string;
  /** Rendered where the password goes: the console never knows it after creation. */
  password?: string;
  topic?: string;
}

export interface Snippet {
  id: string;
  label: string;
  language: string;
  code: string;
}

/** Ready-to-paste client configurations for a cluster, SCRAM-SHA-256 over SASL_PLAINTEXT. */
export function connectSnippets({
  bootstrap,
  username,
  password = "<password>",
  topic = "orders",
}: ConnectParams): Snippet[] {
  const brokers = bootstrap
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  const librdkafka = [
    `bootstrap.servers=${bootstrap}`,
    "security.protocol=SASL_PLAINTEXT",
    "sasl.mechanisms=SCRAM-SHA-256",
    `sasl.username=${username}`,
    `sasl.password=${password}`,
  ].join("\n");
  return [
    {
      id: "kcat",
      label: "kcat",
      language: "shell",
      code: [
        `export KAFKA_OPTS="-b ${bootstrap} \\`,
        "  -X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=SCRAM-SHA-256 \\",
        `  -X sasl.username=${username} -X sasl.password=${password}"`,
        "# list brokers and topics",
        "kcat $KAFKA_OPTS -L",
        "# produce one message per line",
        `echo "hello streambed" | kcat $KAFKA_OPTS -P -t ${topic}`,
        "# consume from the beginning",
        `kcat $KAFKA_OPTS -C -t ${topic} -o beginning -e`,
      ].join("\n"),
    },
    {
      id: "kafkajs",
      label: "KafkaJS",
      language: "javascript",
      code: `import { Kafka } from "kafkajs";

const kafka = new Kafka({
  clientId: "my-app",
  brokers: ${JSON.stringify(brokers)},
  sasl: { mechanism: "scram-sha-256", username: ${JSON.stringify(username)}, password: ${JSON.stringify(password)} },
});

const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: ${JSON.stringify(topic)}, messages: [{ key: "k1", value: "hello streambed" }] });
await producer.disconnect();

const consumer = kafka.consumer({ groupId: "my-group" });
await consumer.connect();
await consumer.subscribe({ topic: ${JSON.stringify(topic)}, fromBeginning: true });
await consumer.run({ eachMessage: async ({ message }) => console.log(message.value.toString()) });`,
    },
    {
      id: "python",
      label: "confluent-kafka (Python)",
      language: "python",
      code: `from confluent_kafka import Consumer, Producer

config = {
    "bootstrap.servers": ${JSON.stringify(bootstrap)},
    "security.protocol": "SASL_PLAINTEXT",
    "sasl.mechanisms": "SCRAM-SHA-256",
    "sasl.username": ${JSON.stringify(username)},
    "sasl.password": ${JSON.stringify(password)},
}

producer = Producer(config)
producer.produce(${JSON.stringify(topic)}, key="k1", value="hello streambed")
producer.flush()

consumer = Consumer({**config, "group.id": "my-group", "auto.offset.reset": "earliest"})
consumer.subscribe([${JSON.stringify(topic)}])
msg = consumer.poll(10.0)
print(msg.value() if msg else "no message")
consumer.close()`,
    },
    { id: "librdkafka", label: "librdkafka properties", language: "properties", code: librdkafka },
    {
      id: "java",
      label: "Java client properties",
      language: "properties",
      code: [
        `bootstrap.servers=${bootstrap}`,
        "security.protocol=SASL_PLAINTEXT",
        "sasl.mechanism=SCRAM-SHA-256",
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`,
      ].join("\n"),
    },
    {
      id: "franz-go",
      label: "franz-go",
      language: "go",
      code: `package main

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

func main() {
	client, err := kgo.NewClient(
		kgo.SeedBrokers(${brokers.map((b) => JSON.stringify(b)).join(", ")}),
		kgo.SASL(scram.Auth{User: ${JSON.stringify(username)}, Pass: ${JSON.stringify(password)}}.AsSha256Mechanism()),
		kgo.ConsumeTopics(${JSON.stringify(topic)}),
	)
	if err != nil {
		panic(err)
	}
	defer client.Close()
	ctx := context.Background()
	client.ProduceSync(ctx, &kgo.Record{Topic: ${JSON.stringify(topic)}, Value: []byte("hello streambed")})
	client.PollFetches(ctx).EachRecord(func(r *kgo.Record) { println(string(r.Value)) })
}`,
    },
  ];
}
