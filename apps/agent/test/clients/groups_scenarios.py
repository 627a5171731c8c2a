"""Consumer-group scenarios with librdkafka (confluent-kafka) and kafka-python.

Usage: groups_scenarios.py SCENARIO BOOTSTRAP TOPIC GROUP [USERNAME PASSWORD]
  SCENARIO: range | cooperative-sticky | static | kafka-python
With USERNAME/PASSWORD, confluent-kafka clients authenticate with SASL SCRAM-SHA-512.
Prints one JSON object with what happened; the caller checks it.
"""
import json
import sys
import time

scenario, bootstrap, topic, group = sys.argv[1:5]
sasl = sys.argv[5:7]
PARTITIONS = 6


def rdkafka_config(**extra):
    config = {
        "bootstrap.servers": bootstrap,
        "client.id": f"groups-{scenario}",
        "topic.metadata.refresh.interval.ms": 1000,
    }
    if sasl:
        config.update({"security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "SCRAM-SHA-512",
                       "sasl.username": sasl[0], "sasl.password": sasl[1]})
    config.update(extra)
    return config


def produce(count, start):
    from confluent_kafka import Producer
    producer = Producer(rdkafka_config(acks="all", **{"linger.ms": 5}))
    for i in range(start, start + count):
        producer.produce(topic, value=f"m{i}".encode(), partition=i % PARTITIONS)
    producer.flush(30)


class Member:
    """A confluent-kafka group member that records what it consumes and every assignment change."""

    def __init__(self, name, **extra):
        from confluent_kafka import Consumer
        self.name = name
        self.consumer = Consumer(rdkafka_config(**{
            "group.id": group, "auto.offset.reset": "earliest", "session.timeout.ms": 10000,
            "heartbeat.interval.ms": 300, "auto.commit.interval.ms": 200, **extra}))
        self.assigned = set()
        self.assign_events = 0
        self.revoke_events = 0
        self.values = []
        self.consumer.subscribe([topic], on_assign=self.on_assign, on_revoke=self.on_revoke)

    def on_assign(self, _consumer, partitions):
        self.assign_events += 1
        self.assigned |= {p.partition for p in partitions}

    def on_revoke(self, _consumer, partitions):
        self.revoke_events += 1
        self.assigned -= {p.partition for p in partitions}

    def poll(self):
        msg = self.consumer.poll(0.05)
        if msg is not None and msg.error() is None:
            self.values.append(msg.value().decode())


def poll_until(members, done, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for m in members:
            m.poll()
        if done():
            return True
    return False


def consumed(*members):
    return {v for m in members for v in m.values}


def all_values(count):
    return {f"m{i}" for i in range(count)}


def rebalancing(strategy):
    produce(120, 0)
    extra = {"partition.assignment.strategy": strategy}
    a = Member("a", **extra)
    poll_until([a], lambda: len(a.assigned) == PARTITIONS, 20)
    b = Member("b", **extra)
    split = poll_until([a, b], lambda: a.assigned and b.assigned and len(a.assigned | b.assigned) == PARTITIONS
                       and consumed(a, b) >= all_values(120), 30)
    shares = [sorted(a.assigned), sorted(b.assigned)]
    a.consumer.close()
    produce(60, 120)
    took_over = poll_until([b], lambda: len(b.assigned) == PARTITIONS and consumed(a, b) >= all_values(180), 30)
    b.consumer.close()
    return {"split": split, "shares": shares, "tookOver": took_over,
            "missing": sorted(all_values(180) - consumed(a, b)), "consumed": len(a.values) + len(b.values)}


def static_rejoin():
    produce(60, 0)
    a = Member("a", **{"group.instance.id": "instance-a"})
    b = Member("b", **{"group.instance.id": "instance-b"})
    stable = poll_until([a, b], lambda: a.assigned and b.assigned and len(a.assigned | b.assigned) == PARTITIONS, 30)
    before = {"a": sorted(a.assigned), "b": sorted(b.assigned)}
    b_events = (b.assign_events, b.revoke_events)
    # A static member's close sends no LeaveGroup: its place waits for it for the session timeout.
    a.consumer.close()
    a2 = Member("a2", **{"group.instance.id": "instance-a"})
    rejoined = poll_until([a2, b], lambda: bool(a2.assigned), 20)
    poll_until([a2, b], lambda: False, 2)
    after = {"a": sorted(a2.assigned), "b": sorted(b.assigned)}
    result = {"stable": stable, "rejoined": rejoined, "before": before, "after": after,
              "bEventsDuringRejoin": [b.assign_events - b_events[0], b.revoke_events - b_events[1]]}
    a2.consumer.close()
    b.consumer.close()
    return result


def kafka_python_group():
    import threading
    from kafka import KafkaConsumer, KafkaProducer
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for i in range(60):
        producer.send(topic, value=f"m{i}".encode(), partition=i % PARTITIONS)
    producer.flush()
    producer.close()
    # kafka-python joins inside poll(), blocking until the rebalance completes: one thread per member.
    values, shares, stop = [[], []], [None, None], threading.Event()

    def member(i):
        consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                                 session_timeout_ms=10000, heartbeat_interval_ms=300, auto_commit_interval_ms=200)
        while not stop.is_set():
            for records in consumer.poll(timeout_ms=50).values():
                values[i].extend(r.value.decode() for r in records)
            shares[i] = sorted(tp.partition for tp in consumer.assignment())
        consumer.commit()
        consumer.close()

    threads = [threading.Thread(target=member, args=(i,)) for i in range(2)]
    threads[0].start()
    time.sleep(1)
    threads[1].start()
    deadline = time.time() + 30
    split = [None, None]
    while time.time() < deadline:
        split = list(shares)
        if all(split) and len(split[0]) + len(split[1]) == PARTITIONS and {v for vs in values for v in vs} >= all_values(60):
            break
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join()
    # The split seen while both were members: the first to close hands its partitions to the other on the way out.
    return {"shares": split, "missing": sorted(all_values(60) - {v for vs in values for v in vs})}


if scenario in ("range", "cooperative-sticky"):
    print(json.dumps(rebalancing(scenario)))
elif scenario == "static":
    print(json.dumps(static_rejoin()))
elif scenario == "kafka-python":
    print(json.dumps(kafka_python_group()))
else:
    sys.exit(f"unknown scenario {scenario}")
