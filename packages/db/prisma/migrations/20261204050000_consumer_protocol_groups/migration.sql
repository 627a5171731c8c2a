-- KIP-848 consumer groups (group.protocol=consumer): the group and assignment epochs, and in
-- snapshot the members with their subscriptions, current and target assignments (json, like the classic
-- groups' member list). Committed offsets stay in committed_offsets for both kinds of group.
CREATE TABLE "consumer_protocol_groups" (
    "cluster_id" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,
    "group_epoch" INTEGER NOT NULL DEFAULT 0,
    "assignment_epoch" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'Empty',
    "snapshot" JSON NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consumer_protocol_groups_pkey" PRIMARY KEY ("cluster_id","group_id")
);
