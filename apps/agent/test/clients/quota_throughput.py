"""confluent-kafka client under a quota: produces (or consumes) as fast as it can for SECONDS and
reports the throughput after WARMUP seconds and the throttle times the agent reported.

Usage: quota_throughput.py BOOTSTRAP USERNAME PASSWORD TOPIC produce|consume SECONDS WARMUP CLIENT_ID PIPELINE
PIPELINE: "small" (two requests of at most 128 KiB in flight: fine-grained against short quota
windows) or "wide" (five such requests in flight).
Prints one JSON object: {"bytesPerSecond", "throttleEvents", "maxThrottleMs", "errors"}.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer

bootstrap, username, password, topic, mode = sys.argv[1:6]
seconds, warmup = float(sys.argv[6]), float(sys.argv[7])
client_id, in_flight = sys.argv[8], 2 if sys.argv[9] == "small" else 5
throttles = []
errors = [0]


def throttled(event):
    if event.throttle_time > 0:
        throttles.append(event.throttle_time * 1000)


common = {
    "bootstrap.servers": bootstrap,
    "client.id": client_id,
    "security.protocol": "SASL_PLAINTEXT",
    "sasl.mechanisms": "SCRAM-SHA-256",
    "sasl.username": username,
    "sasl.password": password,
    "throttle_cb": throttled,
}
value = b"q" * 16384
counted = [0]
start = time.monotonic()
measure_from = start + warmup
end = start + seconds


def count(size):
    if measure_from <= time.monotonic() < end:
        counted[0] += size


def delivered(err, msg):
    if err is None:
        count(len(msg.value()))
    elif err.code() not in (KafkaError._PURGE_QUEUE, KafkaError._PURGE_INFLIGHT):
        errors[0] += 1


if mode == "produce":
    producer = Producer({**common, "acks": "all", "linger.ms": 5, "compression.type": "none",
                         "queue.buffering.max.kbytes": 256 * in_flight, "batch.size": 131072,
                         "max.in.flight": in_flight})
    while time.monotonic() < end:
        try:
            producer.produce(topic, value, on_delivery=delivered)
        except BufferError:
            producer.poll(0.01)
            continue
        producer.poll(0)
    # Only what was delivered inside the measured window counts.
    producer.purge()
    producer.flush(10)
else:
    consumer = Consumer({**common, "group.id": f"quota-{client_id}", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "fetch.max.bytes": 262144,
                         "message.max.bytes": 262144, "max.partition.fetch.bytes": 262144,
                         "queued.max.messages.kbytes": 256})
    consumer.subscribe([topic])
    while time.monotonic() < end:
        msg = consumer.poll(0.1)
        if msg is None:
            continue
        if msg.error():
            errors[0] += 1
        else:
            count(len(msg.value()))
    consumer.close()

print(json.dumps({
    "bytesPerSecond": counted[0] / (end - measure_from),
    "throttleEvents": len(throttles),
    "maxThrottleMs": max(throttles, default=0),
    "errors": errors[0],
}))
