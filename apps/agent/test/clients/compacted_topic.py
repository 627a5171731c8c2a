"""A compacted topic through confluent-kafka (librdkafka).

produce BOOTSTRAP TOPIC COMPRESSION RECORDS_JSON: RECORDS_JSON is [[key, value or null], ...], all
to partition 0; prints {"acked": [offset, ...], "errors": [...]}.
read BOOTSTRAP TOPIC FROM: reads partition 0 from offset FROM to its end; prints
{"low": n, "high": n, "records": [[offset, key, value or null], ...]}.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition

mode, bootstrap, topic = sys.argv[1], sys.argv[2], sys.argv[3]

if mode == "produce":
    compression, records = sys.argv[4], json.loads(sys.argv[5])
    acked, errors = [], []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            acked.append(msg.offset())

    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 20,
                         "compression.type": compression})
    for key, value in records:
        producer.produce(topic, key=key.encode(), value=None if value is None else value.encode(),
                         partition=0, on_delivery=on_delivery)
    producer.flush(30)
    print(json.dumps({"acked": sorted(acked), "errors": errors}))
else:
    start = int(sys.argv[4])
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "compacted-reader",
                         "enable.auto.commit": False, "enable.partition.eof": True})
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    consumer.assign([TopicPartition(topic, 0, start)])
    records = []
    deadline = time.time() + 30
    # To the end of the partition (its last offsets may be gone: the end is where librdkafka says).
    while time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                break
            continue
        value = msg.value()
        records.append([msg.offset(), msg.key().decode(), None if value is None else value.decode()])
    consumer.close()
    print(json.dumps({"low": low, "high": high, "records": records}))
