-- Every flush commit inserts one index row per partition it holds. Two foreign-key checks per
-- row (partition, object) were ~40 % of a 1000-partition commit, and they guard nothing the
-- commit does not already: it inserts a row only under its partition's row lock (so the
-- partition exists) and in the statement that inserts its object. Whatever deletes objects must
-- therefore skip those still referenced by index rows (the ON DELETE RESTRICT this drops).
ALTER TABLE "partition_index" DROP CONSTRAINT "partition_index_topic_id_partition_fkey";
ALTER TABLE "partition_index" DROP CONSTRAINT "partition_index_object_key_fkey";

-- What the partition cascade did, once per statement instead of once per row: index rows go
-- with their partitions, also when a topic or cluster deletion cascades to them.
CREATE FUNCTION "delete_index_rows_of_deleted_partitions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "partition_index" i USING deleted d WHERE i."topic_id" = d."topic_id" AND i."partition" = d."partition";
  RETURN NULL;
END
$$;

CREATE TRIGGER "partitions_delete_index_rows" AFTER DELETE ON "partitions"
  REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION "delete_index_rows_of_deleted_partitions"();
