"""Topic configs through kafka-python's admin client: create with configs, describe, alter, refuse.

Input (stdin, JSON): {"topic": str, "create": {name: value}, "alter": {name: value},
                      "invalid": [[name, value], ...]}
Prints one JSON object:
  {"create_error": int, "created": {name: [value, source]}, "alter_error": int,
   "altered": {name: [value, source]}, "invalid": [[name, error_code, error_message], ...]}
Usage: admin_configs.py BOOTSTRAP
"""
import json
import sys

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic

bootstrap = sys.argv[1]
spec = json.load(sys.stdin)
topic = spec["topic"]
admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=20000)


def describe():
    [response] = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    [(error_code, _message, _type, _name, entries)] = response.resources
    assert error_code == 0, error_code
    # v1+ entries: (name, value, read_only, config_source, is_sensitive, synonyms)
    return {entry[0]: [entry[1], entry[3]] for entry in entries}


def create_error(name, configs):
    response = admin.create_topics([NewTopic(name, 1, 1, topic_configs=configs)])
    return response.topic_errors[0]


(_, code, _) = create_error(topic, spec["create"])
result = {"create_error": code, "created": describe()}

[alter] = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs=spec["alter"])]).resources
result["alter_error"] = alter[0]
result["altered"] = describe()

invalid = []
for name, value in spec["invalid"]:
    [refused] = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={name: value})]).resources
    invalid.append([name, refused[0], refused[1]])
result["invalid"] = invalid
admin.close()
print(json.dumps(result))
