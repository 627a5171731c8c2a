-- Objects whose index rows are deleted become 'released': possibly unreferenced, so the jobs role
-- checks just those (and orphaned ones) instead of every object. For 'released' objects
-- "deleted_at" is when to check again; for 'deleting' ones, when they are deleted.
-- Index rows deleted with their partitions (topic and cluster deletion) release their objects too.
CREATE OR REPLACE FUNCTION "delete_index_rows_of_deleted_partitions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH removed AS (
    DELETE FROM "partition_index" i USING deleted d WHERE i."topic_id" = d."topic_id" AND i."partition" = d."partition"
    RETURNING i."object_key"
  )
  UPDATE "objects" SET "state" = 'released', "deleted_at" = NULL
  WHERE "key" IN (SELECT "object_key" FROM removed) AND "state" IN ('committed', 'released');
  RETURN NULL;
END
$$;
