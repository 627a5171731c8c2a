-- Kafka treats these strings as opaque: they may hold any character, NUL included, which text and
-- jsonb refuse. Bytes columns keep them byte for byte (UTF-8, as on the wire); the member list
-- stays JSON but as json, which keeps the \u0000 escapes jsonb rejects.
ALTER TABLE "committed_offsets" ALTER COLUMN "metadata" TYPE BYTEA USING convert_to("metadata", 'UTF8');

ALTER TABLE "consumer_groups"
  ALTER COLUMN "protocol_type" TYPE BYTEA USING convert_to("protocol_type", 'UTF8'),
  ALTER COLUMN "protocol_name" TYPE BYTEA USING convert_to("protocol_name", 'UTF8'),
  ALTER COLUMN "leader_id" TYPE BYTEA USING convert_to("leader_id", 'UTF8'),
  ALTER COLUMN "members" DROP DEFAULT,
  ALTER COLUMN "members" TYPE JSON USING "members"::json,
  ALTER COLUMN "members" SET DEFAULT '[]';

ALTER TABLE "producer_ids" ALTER COLUMN "transactional_id" TYPE BYTEA USING convert_to("transactional_id", 'UTF8');
