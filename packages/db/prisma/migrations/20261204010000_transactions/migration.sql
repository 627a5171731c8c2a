-- Kafka transactions in the metadata store: the transaction state of a transactional id sits on
-- its producer_ids row; its partitions and pending group offsets in their own tables; aborted
-- transactions per partition for read_committed fetches.
ALTER TABLE "producer_ids"
  ADD COLUMN "txn_state" TEXT NOT NULL DEFAULT 'Empty',
  ADD COLUMN "txn_timeout_ms" INTEGER NOT NULL DEFAULT 60000,
  ADD COLUMN "txn_started_at" TIMESTAMPTZ(3);

CREATE TABLE "transaction_partitions" (
    "producer_id" BIGINT NOT NULL,
    "cluster_id" TEXT NOT NULL,
    "topic_id" UUID NOT NULL,
    "partition" INTEGER NOT NULL,
    "first_offset" BIGINT,

    CONSTRAINT "transaction_partitions_pkey" PRIMARY KEY ("producer_id","topic_id","partition")
);

CREATE INDEX "transaction_partitions_topic_id_partition_idx" ON "transaction_partitions"("topic_id", "partition");

ALTER TABLE "transaction_partitions" ADD CONSTRAINT "transaction_partitions_producer_id_fkey" FOREIGN KEY ("producer_id") REFERENCES "producer_ids"("producer_id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "transaction_offsets" (
    "producer_id" BIGINT NOT NULL,
    "cluster_id" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "committed_offset" BIGINT NOT NULL,
    "leader_epoch" INTEGER NOT NULL DEFAULT -1,
    "metadata" BYTEA,

    CONSTRAINT "transaction_offsets_pkey" PRIMARY KEY ("producer_id","group_id","topic","partition")
);

ALTER TABLE "transaction_offsets" ADD CONSTRAINT "transaction_offsets_producer_id_fkey" FOREIGN KEY ("producer_id") REFERENCES "producer_ids"("producer_id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "aborted_transactions" (
    "cluster_id" TEXT NOT NULL,
    "topic_id" UUID NOT NULL,
    "partition" INTEGER NOT NULL,
    "producer_id" BIGINT NOT NULL,
    "first_offset" BIGINT NOT NULL,
    "last_offset" BIGINT NOT NULL,

    CONSTRAINT "aborted_transactions_pkey" PRIMARY KEY ("topic_id","partition","last_offset")
);
