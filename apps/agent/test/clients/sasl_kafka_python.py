"""kafka-python over SASL (it uses SaslHandshake v0 and bare SASL tokens): produce, then read back.

Usage: sasl_kafka_python.py BOOTSTRAP TOPIC MECHANISM USERNAME PASSWORD
Prints {"sent": n, "consumed": [...]}.
"""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, topic, mechanism, username, password = sys.argv[1:6]
sasl = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": mechanism,
        "sasl_plain_username": username, "sasl_plain_password": password}
producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", **sasl)
for i in range(3):
    producer.send(topic, value=f"{mechanism}-{i}".encode(), partition=0).get(timeout=20)
producer.close()
consumer = KafkaConsumer(bootstrap_servers=bootstrap, consumer_timeout_ms=1500, **sasl)
consumer.assign([TopicPartition(topic, 0)])
consumer.seek_to_beginning()
consumed = [record.value.decode() for record in consumer]
consumer.close()
print(json.dumps({"sent": 3, "consumed": consumed}))
