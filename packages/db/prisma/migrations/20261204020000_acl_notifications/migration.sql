-- Agents cache each cluster's ACLs, enforcement switch and superusers, and drop the cache when
-- told on channel streambed_acls (payload: the cluster id). Triggers, so that changes from the
-- console, the REST API and CreateAcls/DeleteAcls all reach every agent the same way.
CREATE FUNCTION "notify_acl_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('streambed_acls', OLD."cluster_id");
  ELSE
    PERFORM pg_notify('streambed_acls', NEW."cluster_id");
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION "notify_acl_enforcement_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('streambed_acls', NEW."id");
  RETURN NULL;
END
$$;

CREATE TRIGGER "acl_bindings_notify" AFTER INSERT OR UPDATE OR DELETE ON "acl_bindings"
  FOR EACH ROW EXECUTE FUNCTION "notify_acl_change"();

CREATE TRIGGER "virtual_clusters_notify_acl_enforcement" AFTER UPDATE OF "acl_enforcement", "deleted_at" ON "virtual_clusters"
  FOR EACH ROW EXECUTE FUNCTION "notify_acl_enforcement_change"();

-- A superuser flag (or a revocation of a superuser) changes who bypasses ACLs.
CREATE TRIGGER "kafka_credentials_notify_superuser" AFTER INSERT OR UPDATE OF "superuser", "revoked_at" OR DELETE ON "kafka_credentials"
  FOR EACH ROW EXECUTE FUNCTION "notify_acl_change"();
