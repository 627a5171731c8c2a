"""confluent-kafka (librdkafka) producer for the transactions benchmark: 1 KiB records in groups
of RECORDS spread over PARTITIONS partitions, each group a transaction (begin, produce, commit)
or, for the baseline, the same records from an idempotent non-transactional producer followed by
a flush (both wait until the group is durable).

Usage: transactions.py transactional|plain BOOTSTRAP TOPIC PARTITIONS GROUPS RECORDS
Prints "started" right before the timed part, then one JSON object:
{"records", "bytes", "seconds", "errors", "latenciesMs"} (latenciesMs: per group, begin to commit).
"""
import json
import sys
import time

from confluent_kafka import KafkaException, Producer

mode, bootstrap, topic = sys.argv[1], sys.argv[2], sys.argv[3]
partitions, groups, records = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
RECORD = b"x" * 1024
transactional = mode == "transactional"
config = {
    "bootstrap.servers": bootstrap,
    "enable.idempotence": True,
    "linger.ms": 1,
    "batch.size": 1000000,
}
if transactional:
    config["transactional.id"] = f"bench-{time.time_ns()}"
producer = Producer(config)
if transactional:
    producer.init_transactions(30)
errors = [0]


def delivered(err, _msg):
    if err is not None:
        errors[0] += 1


latencies = []
print("started", flush=True)
started = time.perf_counter()
for g in range(groups):
    begun = time.perf_counter()
    if transactional:
        producer.begin_transaction()
    for r in range(records):
        producer.produce(topic, RECORD, partition=r % partitions, on_delivery=delivered)
    try:
        if transactional:
            producer.commit_transaction(30)
        else:
            producer.flush(30)
    except KafkaException:
        errors[0] += 1
    latencies.append((time.perf_counter() - begun) * 1000)
seconds = time.perf_counter() - started
print(json.dumps({"records": groups * records, "bytes": groups * records * len(RECORD),
                  "seconds": seconds, "errors": errors[0], "latenciesMs": latencies}))
