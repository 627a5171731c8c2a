"""Admin requests kafka-python 2.0.2 has no method for, declared with kafka-python's own codec
types (an encoder independent of the agent's) and sent through its admin client.

Usage: admin_requests.py BOOTSTRAP GROUP TOPIC
Prints one JSON object with the decoded responses; the caller checks them.
"""
import json
import struct
import sys

from kafka.admin import KafkaAdminClient
from kafka.protocol.api import Request, Response
from kafka.protocol.types import (AbstractType, Array, Boolean, Int8, Int16, Int32, Int64, Schema,
                                  String)


class Float64(AbstractType):
    """Kafka's FLOAT64 (kafka-python 2.0.2 has none): a big-endian IEEE 754 double."""

    @classmethod
    def encode(cls, value):
        return struct.pack(">d", value)

    @classmethod
    def decode(cls, data):
        return struct.unpack(">d", data.read(8))[0]



bootstrap, group, topic = sys.argv[1:4]


def api(key, version, request_schema, response_schema):
    response = type(f"Response{key}", (Response,), {
        "API_KEY": key, "API_VERSION": version, "SCHEMA": response_schema})
    return type(f"Request{key}", (Request,), {
        "API_KEY": key, "API_VERSION": version, "SCHEMA": request_schema, "RESPONSE_TYPE": response})


LOG_DIR_PARTITION = Array(("partition_index", Int32), ("partition_size", Int64),
                          ("offset_lag", Int64), ("is_future_key", Boolean))
DescribeLogDirs = api(35, 1,
    Schema(("topics", Array(("topic", String("utf-8")), ("partitions", Array(Int32))))),
    Schema(("throttle_time_ms", Int32),
           ("results", Array(("error_code", Int16), ("log_dir", String("utf-8")),
                             ("topics", Array(("name", String("utf-8")),
                                              ("partitions", LOG_DIR_PARTITION)))))))
ElectLeaders = api(43, 1,
    Schema(("election_type", Int8),
           ("topic_partitions", Array(("topic", String("utf-8")), ("partitions", Array(Int32)))),
           ("timeout_ms", Int32)),
    Schema(("throttle_time_ms", Int32), ("error_code", Int16),
           ("results", Array(("topic", String("utf-8")),
                             ("partitions", Array(("partition_id", Int32), ("error_code", Int16),
                                                  ("error_message", String("utf-8"))))))))
OffsetDelete = api(47, 0,
    Schema(("group_id", String("utf-8")),
           # Partitions are structs of one int32 each: on the wire, an array of int32.
           ("topics", Array(("name", String("utf-8")), ("partitions", Array(Int32))))),
    Schema(("error_code", Int16), ("throttle_time_ms", Int32),
           ("topics", Array(("name", String("utf-8")),
                            ("partitions", Array(("partition_index", Int32), ("error_code", Int16)))))))

QUOTA_ENTITY = Array(("entity_type", String("utf-8")), ("entity_name", String("utf-8")))
AlterClientQuotas = api(49, 0,
    Schema(("entries", Array(("entity", QUOTA_ENTITY),
                             ("ops", Array(("key", String("utf-8")), ("value", Float64),
                                           ("remove", Boolean))))),
           ("validate_only", Boolean)),
    Schema(("throttle_time_ms", Int32),
           ("entries", Array(("error_code", Int16), ("error_message", String("utf-8")),
                             ("entity", QUOTA_ENTITY)))))
DescribeClientQuotas = api(48, 0,
    Schema(("components", Array(("entity_type", String("utf-8")), ("match_type", Int8),
                                ("match", String("utf-8")))),
           ("strict", Boolean)),
    Schema(("throttle_time_ms", Int32), ("error_code", Int16), ("error_message", String("utf-8")),
           ("entries", Array(("entity", QUOTA_ENTITY),
                             ("values", Array(("key", String("utf-8")), ("value", Float64)))))))

admin = KafkaAdminClient(bootstrap_servers=bootstrap, api_version=(2, 5, 0))


def send(request):
    node = admin._client.least_loaded_node()
    future = admin._send_request_to_node(node, request)
    admin._wait_for_futures([future])
    return future.value


log_dirs = send(DescribeLogDirs(topics=[(topic, [0, 1])]))
elect = send(ElectLeaders(election_type=0, topic_partitions=[(topic, [0]), ("no-such-topic", [0])],
                          timeout_ms=10000))
delete = send(OffsetDelete(group_id=group, topics=[(topic, [0, 9])]))
missing = send(OffsetDelete(group_id=group + "-never", topics=[(topic, [0])]))
user = "py\x00user"
altered = send(AlterClientQuotas(entries=[
    ([("user", user)], [("consumer_byte_rate", 2048.0, False), ("request_percentage", 12.5, False)]),
    ([("user", None), ("client-id", "py-client")], [("producer_byte_rate", 1048576.0, False)]),
    ([("ip", "10.0.0.1"), ("user", "x")], [("connection_creation_rate", 5.0, False)]),
    ([("user", "y")], [("no_such_quota", 1.0, False)]),
], validate_only=False))
described = send(DescribeClientQuotas(components=[("user", 0, user)], strict=False))
defaults = send(DescribeClientQuotas(components=[("user", 1, None)], strict=False))
print(json.dumps({
    "alterQuotas": [e[0] for e in altered.entries],
    "describeUser": [{"entity": [list(p) for p in e[0]], "values": {k: v for k, v in e[1]}}
                     for e in described.entries],
    "describeDefaultUser": [{"entity": sorted([list(p) for p in e[0]]),
                             "values": {k: v for k, v in e[1]}} for e in defaults.entries],
    "logDirs": [{"errorCode": r[0], "topics": {t[0]: {p[0]: p[1] for p in t[1]} for t in r[2]}}
                for r in log_dirs.results],
    "elect": {"errorCode": elect.error_code,
              "results": {t[0]: {p[0]: p[1] for p in t[1]} for t in elect.results}},
    "offsetDelete": {"errorCode": delete.error_code,
                     "results": {t[0]: {p[0]: p[1] for p in t[1]} for t in delete.topics}},
    "offsetDeleteMissingGroup": missing.error_code,
}))
