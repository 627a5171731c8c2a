"""An idempotent confluent-kafka producer writing COUNT numbered records to partition 0 at a steady
pace, retrying through agent restarts. Prints {"delivered": n, "errors": [...]} once all are settled.

Usage: idempotent_producer.py BOOTSTRAP TOPIC COUNT USERNAME PASSWORD
"""
import json
import sys
import time

from confluent_kafka import Producer

bootstrap, topic, count, username, password = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
errors, delivered = [], []
producer = Producer({
    "bootstrap.servers": bootstrap,
    "security.protocol": "SASL_PLAINTEXT",
    "sasl.mechanisms": "PLAIN",
    "sasl.username": username,
    "sasl.password": password,
    "enable.idempotence": True,
    "acks": "all",
    "linger.ms": 5,
    "message.timeout.ms": 60000,
    "reconnect.backoff.max.ms": 200,
})
for i in range(count):
    producer.produce(topic, value=str(i).encode(), partition=0,
                     on_delivery=lambda err, msg: errors.append(str(err)) if err else delivered.append(msg.offset()))
    if i % 20 == 19:
        producer.poll(0)
        time.sleep(0.02)
producer.flush(90)
print(json.dumps({"delivered": len(delivered), "errors": errors[:5]}))
