"""Produce records with confluent-kafka (librdkafka), then read every partition back from the start.

Prints one JSON object: {"produced": n, "acked": [[partition, offset], ...], "consumed": [...],
"errors": [...producer errors], "consumerErrors": [...]}. The consumer assigns partitions itself;
librdkafka still looks up the group coordinator because group.id is mandatory, and what that
lookup reports goes to consumerErrors.
The consumer states RACK as its client.rack (follower fetching, KIP-392) when given.
Usage: confluent_roundtrip.py BOOTSTRAP TOPIC COUNT COMPRESSION [PARTITIONS] [RACK]
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, topic, count, compression = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
partitions = int(sys.argv[5]) if len(sys.argv) > 5 else 1
rack = sys.argv[6] if len(sys.argv) > 6 else None

errors = []
acked = []


def on_delivery(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        acked.append([msg.partition(), msg.offset()])


producer = Producer({
    "bootstrap.servers": bootstrap,
    "acks": "all",
    "compression.type": compression,
    "linger.ms": 5,
    "client.id": "confluent-roundtrip",
})
for i in range(count):
    key = None if i % 10 == 9 else f"key-{i}".encode()
    value = None if i % 10 == 8 else f"value-{i}".encode() * 3
    producer.produce(topic, key=key, value=value, partition=i % partitions,
                     headers=[("h", f"{i}".encode())], on_delivery=on_delivery)
    producer.poll(0)
producer.flush(30)

consumer = Consumer({
    "bootstrap.servers": bootstrap,
    "group.id": "unused",
    "enable.auto.commit": False,
    "client.id": "confluent-roundtrip",
    **({"client.rack": rack} if rack else {}),
})
consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
consumed = []
consumer_errors = []
deadline = time.time() + 30
while len(consumed) < count and time.time() < deadline:
    msg = consumer.poll(0.5)
    if msg is None:
        continue
    if msg.error():
        consumer_errors.append(str(msg.error()))
        continue
    headers = dict((k, v.decode()) for k, v in (msg.headers() or []))
    consumed.append({
        "partition": msg.partition(),
        "offset": msg.offset(),
        "key": None if msg.key() is None else msg.key().decode(),
        "value": None if msg.value() is None else msg.value().decode(),
        "h": headers.get("h"),
    })
consumer.close()
print(json.dumps({"produced": count, "acked": acked, "consumed": consumed, "errors": errors,
                  "consumerErrors": consumer_errors}))
