"""Writes the worst strings Kafka allows through confluent-kafka or kafka-python and reads them back.

Usage: opaque_strings.py CLIENT BOOTSTRAP TOPIC GROUP
  CLIENT: confluent | kafka-python
Prints one JSON object with what was written and what came back; the caller compares them.
"""
import json
import sys
import time

client, bootstrap, topic, group = sys.argv[1:5]
# librdkafka takes C strings (no NUL), so its worst is every other control byte and non-ASCII.
RD_ID = "rd\x01\x1f\x7f\u00e9\u4e2d\U0001F600\ufffe-id"
# kafka-python sends Python strings as UTF-8, NUL included.
PY_META = "\x00" + "m\x00\u00e9\U0001F600" * 4 + "\x00"


def confluent():
    from confluent_kafka import Consumer, TopicPartition
    from confluent_kafka.admin import AdminClient
    # A standalone commit (generation -1, no member id) to a group that never joined.
    standalone = Consumer({"bootstrap.servers": bootstrap, "group.id": group + "-standalone",
                           "enable.auto.commit": False})
    standalone.assign([TopicPartition(topic, 0)])
    standalone.commit(offsets=[TopicPartition(topic, 0, 11), TopicPartition(topic, 1, 0)],
                      asynchronous=False)
    committed = {tp.partition: tp.offset for tp in standalone.committed(
        [TopicPartition(topic, 0), TopicPartition(topic, 1)], timeout=10)}
    standalone.close()

    member = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "client.id": RD_ID,
                       "group.instance.id": RD_ID, "session.timeout.ms": 10000,
                       "auto.offset.reset": "earliest"})
    member.subscribe([topic])
    deadline = time.time() + 30
    while not member.assignment() and time.time() < deadline:
        member.poll(0.2)
    described = AdminClient({"bootstrap.servers": bootstrap}).list_groups(group, timeout=10)
    members = [{"clientId": m.client_id, "memberId": m.id} for g in described for m in g.members]
    member.close()
    return {"committed": committed, "clientId": RD_ID, "members": members}


def kafka_python():
    from kafka import KafkaConsumer, TopicPartition
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaError
    from kafka.structs import OffsetAndMetadata
    tp = TopicPartition(topic, 0)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, client_id="py\x00id",
                             enable_auto_commit=False, api_version=(2, 5, 0))
    consumer.assign([tp])
    full = (PY_META * 400)[:4096]  # offset.metadata.max.bytes, counted in UTF-8 bytes below
    while len(full.encode()) > 4096:
        full = full[:-1]
    full += "x" * (4096 - len(full.encode()))
    results = {}
    for name, metadata in [("nul", PY_META), ("full", full)]:
        consumer.commit({tp: OffsetAndMetadata(5, metadata)})
        back = KafkaAdminClient(bootstrap_servers=bootstrap, api_version=(2, 5, 0)) \
            .list_consumer_group_offsets(group)[tp]
        results[name] = {"sentHex": metadata.encode().hex(), "backHex": back.metadata.encode().hex(),
                         "bytes": len(metadata.encode())}
    try:
        consumer.commit({tp: OffsetAndMetadata(6, full + "y")})
        results["tooLarge"] = "accepted"
    except KafkaError as e:
        results["tooLarge"] = type(e).__name__
    consumer.close()
    return results


print(json.dumps(confluent() if client == "confluent" else kafka_python()))
