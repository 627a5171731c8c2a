"""confluent-kafka (librdkafka) producer for the agent benchmark: acks=all, 1 KiB records.

Usage:
  produce.py throughput BOOTSTRAP TOPIC PARTITIONS RECORDS
  produce.py latency    BOOTSTRAP TOPIC PARTITIONS RATE_PER_SECOND SECONDS
  produce.py enqueue    BOOTSTRAP TOPIC PARTITIONS RECORDS   (the client's own ceiling: the
      throughput loop into librdkafka's queue with no broker listening at BOOTSTRAP)
Prints "started" right before the timed part, then one JSON object: {"records", "bytes", "seconds", "errors", "cpuSeconds", "latenciesMs"?};
cpuSeconds is this client's own CPU time (Python plus librdkafka threads) during the run.
"""
import json
import os
import sys
import time

from confluent_kafka import Producer

mode, bootstrap, topic, partitions = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
RECORD = b"x" * 1024
errors = [0]
latencies = []


def delivered(err, msg):
    if err is not None:
        errors[0] += 1


def make_producer(linger_ms, **extra):
    return Producer({
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "linger.ms": linger_ms,
        "batch.size": 1000000,
        "queue.buffering.max.messages": 1000000,
        "queue.buffering.max.kbytes": 1048576,
        # librdkafka puts one partition in each Produce request, and the agent answers a request
        # only once its flush is committed: many requests must be in flight to fill a flush.
        "max.in.flight.requests.per.connection": 1000,
        "message.max.bytes": 8388608,
        "compression.type": "none",
        **extra,
    })


def produce_all(producer, records):
    """The throughput loop: positional arguments and no per-record callback object, as cheap a
    produce() call as confluent-kafka has. Returns (seconds, CPU seconds)."""
    produce = producer.produce
    print("started", flush=True)
    cpu_started = sum(os.times()[:2])
    started = time.perf_counter()
    for i in range(records):
        while True:
            try:
                produce(topic, RECORD, None, i % partitions)
                break
            except BufferError:
                producer.poll(0.001)
        if i % 1000 == 0:
            producer.poll(0)
    if mode == "throughput":
        producer.flush(120)
    return time.perf_counter() - started, sum(os.times()[:2]) - cpu_started


if mode in ("enqueue", "throughput"):
    records = int(sys.argv[5])
    # Reports for failures only, to one callback: a Python call per delivered record would cost
    # the client more CPU than the agent spends (client, agent and store share the cores).
    producer = make_producer(5, **{"delivery.report.only.error": True, "on_delivery": delivered}, **({"log_level": 0} if mode == "enqueue" else {}))
    if mode == "throughput":
        # Warm up metadata and connections before timing.
        producer.produce(topic, RECORD, None, 0)
        producer.flush(30)
    seconds, cpu = produce_all(producer, records)
    print(json.dumps({"records": records, "bytes": records * len(RECORD), "seconds": seconds, "errors": errors[0], "cpuSeconds": cpu}))
    if mode == "enqueue":
        # Nothing will ever be delivered: drop the queue instead of waiting for message timeouts.
        producer.purge()
else:
    rate, duration = int(sys.argv[5]), float(sys.argv[6])
    producer = make_producer(0)
    producer.produce(topic, RECORD, partition=0, on_delivery=delivered)
    producer.flush(30)

    def timed(sent_at):
        def callback(err, msg):
            if err is not None:
                errors[0] += 1
            else:
                latencies.append((time.perf_counter() - sent_at) * 1000)
        return callback

    print("started", flush=True)
    cpu_started = sum(os.times()[:2])
    started = time.perf_counter()
    count = int(rate * duration)
    i = 0
    while i < count:
        # Every record due by now, each timed from its own produce() call; then wait up to 1 ms
        # for delivery reports. (Sleeping per record, 0.2 ms apart, kept a core busy.)
        now = time.perf_counter()
        while i < count and started + i / rate <= now:
            producer.produce(topic, RECORD, partition=i % partitions, on_delivery=timed(time.perf_counter()))
            i += 1
        producer.poll(0.001)
    producer.flush(60)
    seconds = time.perf_counter() - started
    cpu = sum(os.times()[:2]) - cpu_started
    print(json.dumps({"records": count, "bytes": count * len(RECORD), "seconds": seconds, "errors": errors[0], "cpuSeconds": cpu, "latenciesMs": latencies}))
