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

-- Client quotas (AlterClientQuotas / DescribeClientQuotas), per cluster, in Kafka's entity model.
-- entity: the entity as canonical JSON text, e.g. [["client-id",null],["user","alice"]] (null =
-- the default entity), so names holding any character stay exact and usable in the key.
CREATE TABLE "client_quotas" (
    "cluster_id" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "quota_key" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "client_quotas_pkey" PRIMARY KEY ("cluster_id","entity","quota_key")
);
