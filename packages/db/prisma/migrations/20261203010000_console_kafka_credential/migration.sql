-- The console's own per-cluster Kafka credential (message browser) is kept apart from users' ones.
ALTER TABLE "kafka_credentials" ADD COLUMN "internal" BOOLEAN NOT NULL DEFAULT false;
