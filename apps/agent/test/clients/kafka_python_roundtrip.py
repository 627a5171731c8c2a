"""Produce records with kafka-python (old protocol versions, e.g. Metadata v0-v1), then read them back.

Prints one JSON object: {"acked": [[partition, offset], ...], "consumed": [...], "topics": [...]}.
Usage: kafka_python_roundtrip.py BOOTSTRAP TOPIC COUNT COMPRESSION
"""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, topic, count, compression = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
compression = None if compression == "none" else compression

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", compression_type=compression, linger_ms=5)
futures = [producer.send(topic, key=f"key-{i}".encode(), value=f"value-{i}".encode(), partition=0,
                         headers=[("h", str(i).encode())]) for i in range(count)]
producer.flush(30)
acked = [[f.get(timeout=30).partition, f.get(timeout=30).offset] for f in futures]
producer.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=5000)
tp = TopicPartition(topic, 0)
consumer.assign([tp])
consumer.seek_to_beginning(tp)
consumed = []
for msg in consumer:
    consumed.append({"offset": msg.offset, "key": msg.key.decode(), "value": msg.value.decode(),
                     "h": dict(msg.headers).get("h", b"").decode()})
    if len(consumed) >= count:
        break
topics = sorted(consumer.topics())
consumer.close()
print(json.dumps({"acked": acked, "consumed": consumed, "topics": topics}))
