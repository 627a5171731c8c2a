"""Produce and consume a few records with confluent-kafka over SASL (optionally SASL_SSL).

Usage: sasl_roundtrip.py BOOTSTRAP TOPIC MECHANISM USERNAME PASSWORD [CA_FILE]
Prints {"delivered": n, "errors": [...], "consumed": [...]}.
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer

bootstrap, topic, mechanism, username, password = sys.argv[1:6]
ca = sys.argv[6] if len(sys.argv) > 6 else None
common = {
    "bootstrap.servers": bootstrap,
    "security.protocol": "SASL_SSL" if ca else "SASL_PLAINTEXT",
    "sasl.mechanisms": mechanism,
    "sasl.username": username,
    "sasl.password": password,
}
if ca:
    common["ssl.ca.location"] = ca

errors, delivered = [], []
producer = Producer({**common, "acks": "all", "enable.idempotence": True})
for i in range(5):
    producer.produce(topic, value=f"{mechanism}-{i}".encode(),
                     on_delivery=lambda err, msg: errors.append(str(err)) if err else delivered.append(msg.offset()))
producer.flush(20)

consumer = Consumer({**common, "group.id": f"roundtrip-{mechanism}", "auto.offset.reset": "earliest"})
consumer.subscribe([topic])
consumed = []
deadline = time.time() + 20
while len(consumed) < 5 and time.time() < deadline:
    msg = consumer.poll(0.2)
    if msg is not None and msg.error() is None:
        consumed.append(msg.value().decode())
consumer.close()
print(json.dumps({"delivered": len(delivered), "errors": errors, "consumed": consumed}))
