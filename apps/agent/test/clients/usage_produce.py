"""confluent-kafka producer for the usage-metering tests: MIB mebibytes of compressible 1 KiB
records (JSON-like text) with one compression codec, acks=all.

Usage: usage_produce.py BOOTSTRAP TOPIC COMPRESSION MIB
Prints one JSON object: {"records", "errors"}.
"""
import json
import sys

from confluent_kafka import Producer

bootstrap, topic, compression, mib = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
errors = [0]


def delivered(err, msg):
    if err is not None:
        errors[0] += 1


producer = Producer({
    "bootstrap.servers": bootstrap,
    "acks": "all",
    "linger.ms": 20,
    "batch.num.messages": 500,
    "compression.type": compression,
})
count = mib * 1024
for i in range(count):
    value = json.dumps({"order": i, "customer": f"customer-{i % 97}", "note": "x" * 40}).ljust(1024)
    producer.produce(topic, value.encode(), key=f"k{i % 16}".encode(), on_delivery=delivered)
    if i % 1000 == 0:
        producer.poll(0)
producer.flush(60)
print(json.dumps({"records": count, "errors": errors[0]}))
