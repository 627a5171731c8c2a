"""confluent-kafka transactional scenarios against an agent. Each prints one JSON line.

Usage: transactions.py SCENARIO BOOTSTRAP USERNAME PASSWORD TOPIC [ARGS...]
  alternate TXNS RECORDS   TXNS transactions of RECORDS records over every partition, committed
                           and aborted alternately; prints the values of each decision
  consume ISOLATION        every record of every partition (read_committed | read_uncommitted)
  fence                    two producers share a transactional.id: the older is fenced
  timeout                  a transaction left open past transaction.timeout.ms (2 s)
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING

scenario, bootstrap, username, password, topic = sys.argv[1:6]
args = sys.argv[6:]
common = {
    "bootstrap.servers": bootstrap,
    "security.protocol": "SASL_PLAINTEXT",
    "sasl.mechanisms": "PLAIN",
    "sasl.username": username,
    "sasl.password": password,
}


def producer(transactional_id, **extra):
    p = Producer({**common, "transactional.id": transactional_id, "linger.ms": 5, **extra})
    p.init_transactions(30)
    return p


def partitions_of(topic_name):
    probe = Consumer({**common, "group.id": "probe"})
    count = len(probe.list_topics(topic_name, timeout=10).topics[topic_name].partitions)
    probe.close()
    return count


def consume(isolation):
    count = partitions_of(topic)
    consumer = Consumer({**common, "group.id": "reader", "isolation.level": isolation,
                         "enable.partition.eof": True, "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(count)])
    values = {str(p): [] for p in range(count)}
    done = set()
    deadline = time.time() + 60
    while len(done) < count and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == -191:  # _PARTITION_EOF
                done.add(msg.partition())
                continue
            raise KafkaException(msg.error())
        values[str(msg.partition())].append(msg.value().decode())
    consumer.close()
    return values


def alternate(txns, records):
    count = partitions_of(topic)
    p = producer("alternating")
    committed, aborted = {str(i): [] for i in range(count)}, {str(i): [] for i in range(count)}
    for t in range(txns):
        p.begin_transaction()
        written = {str(i): [] for i in range(count)}
        for r in range(records):
            partition = r % count
            value = f"t{t}-r{r}"
            p.produce(topic, value=value.encode(), partition=partition)
            written[str(partition)].append(value)
        if t % 2 == 0:
            p.commit_transaction(30)
            target = committed
        else:
            p.flush(30)  # the aborted records do reach the log
            p.abort_transaction(30)
            target = aborted
        for k, v in written.items():
            target[k].extend(v)
    return {"committed": committed, "aborted": aborted}


def fence():
    old = producer("shared")
    old.begin_transaction()
    old.produce(topic, value=b"zombie-1", partition=0)
    old.flush(30)
    new = producer("shared")  # fences `old` and aborts its open transaction
    outcome = "not fenced"
    try:
        old.produce(topic, value=b"zombie-2", partition=0)
        old.commit_transaction(30)
    except KafkaException as e:
        outcome = "fatal" if e.args[0].fatal() else e.args[0].name()
    new.begin_transaction()
    new.produce(topic, value=b"current", partition=0)
    new.commit_transaction(30)
    return {"old": outcome}


def timeout():
    p = producer("slow", **{"transaction.timeout.ms": 2000})
    p.begin_transaction()
    p.produce(topic, value=b"abandoned", partition=0)
    p.flush(30)
    time.sleep(6)
    try:
        p.commit_transaction(30)
        outcome = "committed"
    except KafkaException as e:
        outcome = "fatal" if e.args[0].fatal() else ("abortable" if e.args[0].txn_requires_abort() else e.args[0].name())
    return {"commit": outcome}


if scenario == "alternate":
    result = alternate(int(args[0]), int(args[1]))
elif scenario == "consume":
    result = consume(args[0])
elif scenario == "fence":
    result = fence()
elif scenario == "timeout":
    result = timeout()
else:
    raise SystemExit(f"unknown scenario {scenario}")
print(json.dumps(result))
