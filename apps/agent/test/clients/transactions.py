"""confluent-kafka transactional scenarios against an agent. Each prints one JSON line.

Usage: transactions.py SCENARIO BOOTSTRAP USERNAME PASSWORD TOPIC [ARGS...]
  alternate TXNS RECORDS   TXNS transactions of RECORDS records over every partition, committed
                           and aborted alternately; prints the values of each decision
  consume ISOLATION        every record of every partition (read_committed | read_uncommitted)
  fence                    two producers share a transactional.id: the older is fenced
  timeout                  a transaction left open past transaction.timeout.ms (2 s)
  fill COUNT               COUNT plain records "0".."COUNT-1" over every partition
  transform OUTPUT COUNT   consume-transform-produce from TOPIC to OUTPUT in transactions with
                           send_offsets_to_transaction, until the group committed COUNT inputs;
                           rides through agent failures (retries, aborts and rewinds)
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


def fill(count):
    partitions = partitions_of(topic)
    p = Producer({**common, "linger.ms": 5})
    for i in range(count):
        p.produce(topic, value=str(i).encode(), partition=i % partitions)
    p.flush(60)
    return {"produced": count}


def rewind(consumer):
    """After an abort: back to the group's committed offsets (the aborted work is redone)."""
    for tp in consumer.committed(consumer.assignment(), timeout=30):
        consumer.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING))


def committed_total(consumer, count):
    partitions = [TopicPartition(topic, p) for p in range(count)]
    return sum(max(tp.offset, 0) for tp in consumer.committed(partitions, timeout=30))


def transform(output, count):
    partitions = partitions_of(topic)
    consumer = Consumer({**common, "group.id": "transformer", "isolation.level": "read_committed",
                         "enable.auto.commit": False, "auto.offset.reset": "earliest",
                         "reconnect.backoff.max.ms": 200})
    consumer.subscribe([topic])
    p = producer("transformer", **{"transaction.timeout.ms": 10000, "reconnect.backoff.max.ms": 200})
    aborts, transactions = 0, 0
    deadline = time.time() + 150
    while committed_total(consumer, partitions) < count and time.time() < deadline:
        msgs = [m for m in consumer.consume(100, 1.0) if not m.error()]
        if not msgs or not consumer.assignment():
            continue
        try:
            p.begin_transaction()
            for m in msgs:
                p.produce(output, key=m.value(), value=b"out-" + m.value())
            p.send_offsets_to_transaction(consumer.position(consumer.assignment()),
                                          consumer.consumer_group_metadata(), 30)
            while True:
                try:
                    p.commit_transaction(30)
                    break
                except KafkaException as e:
                    if not e.args[0].retriable():
                        raise
            transactions += 1
        except KafkaException as e:
            if not e.args[0].txn_requires_abort():
                raise
            p.abort_transaction(30)
            rewind(consumer)
            aborts += 1
        time.sleep(0.05)
    consumer.close()
    return {"transactions": transactions, "aborts": aborts}


if scenario == "alternate":
    result = alternate(int(args[0]), int(args[1]))
elif scenario == "consume":
    result = consume(args[0])
elif scenario == "fence":
    result = fence()
elif scenario == "timeout":
    result = timeout()
elif scenario == "fill":
    result = fill(int(args[0]))
elif scenario == "transform":
    result = transform(args[0], int(args[1]))
else:
    raise SystemExit(f"unknown scenario {scenario}")
print(json.dumps(result))
