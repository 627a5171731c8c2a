"""ACLs through kafka-python's admin client, producer and consumer, as several principals.

Usage: acl_matrix.py BOOTSTRAP < scenario.json
The scenario is {"users": {alias: [username, password]}, "steps": [step, ...]}; each step runs as
one user ("as") and prints one result, in order, as a JSON list on the last line:
  {"do": "create", "acls": [acl...]}               -> names of the errors of the failed creations
  {"do": "describe", "filter": acl}                -> sorted matching ACLs, or the error's name
  {"do": "delete", "filters": [acl...]}            -> per filter, the sorted deleted ACLs
  {"do": "produce", "topic": t}                    -> "ok" or the error's name
  {"do": "consume", "topic": t, "group": g}        -> "ok" (a record read) or the error's name
  {"do": "topics"}                                 -> sorted topic names the user is shown
An acl is [resource type, name, pattern type, principal, host, operation, permission] with
kafka-python's enum names; None (null) in a filter matches anything.
"""
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType,
                         ACLResourcePatternType, KafkaAdminClient, ResourcePattern,
                         ResourcePatternFilter, ResourceType)

bootstrap = sys.argv[1]
scenario = json.load(sys.stdin)


def sasl(alias):
    username, password = scenario["users"][alias]
    return {"bootstrap_servers": bootstrap, "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-256", "sasl_plain_username": username,
            "sasl_plain_password": password}


def to_acl(spec, cls=ACL, pattern_cls=ResourcePattern):
    rtype, name, pattern, principal, host, op, perm = spec
    return cls(principal=principal, host=host, operation=ACLOperation[op],
               permission_type=ACLPermissionType[perm],
               resource_pattern=pattern_cls(ResourceType[rtype], name, ACLResourcePatternType[pattern]))


def from_acl(acl):
    p = acl.resource_pattern
    return [p.resource_type.name, p.resource_name, p.pattern_type.name, acl.principal, acl.host,
            acl.operation.name, acl.permission_type.name]


def error_name(err):
    return type(err).__name__


def admin_step(step):
    admin = KafkaAdminClient(**sasl(step["as"]))
    try:
        if step["do"] == "create":
            result = admin.create_acls([to_acl(a) for a in step["acls"]])
            return [error.__name__ for _, error in result["failed"]]
        if step["do"] == "describe":
            try:
                acls, _ = admin.describe_acls(to_acl(step["filter"], ACLFilter, ResourcePatternFilter))
            except Exception as err:  # the error code comes back as an exception
                return error_name(err)
            return sorted(from_acl(a) for a in acls)
        results = admin.delete_acls([to_acl(f, ACLFilter, ResourcePatternFilter) for f in step["filters"]])
        return [sorted(from_acl(acl) for acl, _ in matching) if error is None or error.errno == 0
                else error.__name__ for _, matching, error in results]
    finally:
        admin.close()


def produce(step):
    producer = KafkaProducer(max_block_ms=5000, retries=0, **sasl(step["as"]))
    try:
        producer.send(step["topic"], b"v", partition=0).get(timeout=10)
        return "ok"
    except Exception as err:
        return error_name(err)
    finally:
        producer.close(timeout=2)


def consume(step):
    consumer = KafkaConsumer(group_id=step["group"], auto_offset_reset="earliest",
                             enable_auto_commit=False, **sasl(step["as"]))
    try:
        consumer.subscribe([step["topic"]])
        deadline = time.time() + 15
        while time.time() < deadline:
            if any(consumer.poll(timeout_ms=500).values()):
                return "ok"
        return "nothing read"
    except Exception as err:
        return error_name(err)
    finally:
        consumer.close(autocommit=False)


def topics(step):
    consumer = KafkaConsumer(**sasl(step["as"]))
    try:
        return sorted(consumer.topics())
    finally:
        consumer.close()


steps = {"create": admin_step, "describe": admin_step, "delete": admin_step,
         "produce": produce, "consume": consume, "topics": topics}
print(json.dumps([steps[step["do"]](step) for step in scenario["steps"]]))
