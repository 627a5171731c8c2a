-- Kafka ACLs per cluster (CreateAcls / DescribeAcls / DeleteAcls and the console). Enforcement is
-- off by default, as on WarpStream; once on, a request is denied unless an ACL allows it.
ALTER TABLE "virtual_clusters" ADD COLUMN "acl_enforcement" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "kafka_credentials" ADD COLUMN "superuser" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "acl_bindings" (
    "id" TEXT NOT NULL,
    "cluster_id" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_name" TEXT NOT NULL,
    "pattern_type" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "permission" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "acl_bindings_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "acl_bindings_identity_key" ON "acl_bindings"("cluster_id", "resource_type", "resource_name", "pattern_type", "principal", "host", "operation", "permission");

ALTER TABLE "acl_bindings" ADD CONSTRAINT "acl_bindings_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "virtual_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
