"use client";
import { useQuery } from "@tanstack/react-query";
import { useCluster } from "@/components/clusters/use-cluster";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { useTRPC } from "@/lib/trpc/client";
import { AclEnforcementCard } from "./acl-enforcement-card";
import { AclList } from "./acl-list";
import { CreateAclDialog } from "./create-acl-dialog";
import { CredentialPermissions } from "./credential-permissions";

/** The ACLs tab: enforcement, the bindings and what each credential may do. */
export function AclsPage({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const { cluster, canWrite } = useCluster(clusterId);
  const credentials = useQuery(trpc.acls.credentialPermissions.queryOptions({ clusterId }));
  if (cluster.isPending) return <TableSkeleton />;
  if (cluster.error) return <QueryError error={cluster.error} />;
  return (
    <>
      <PageHeader
        level={2}
        title="ACLs"
        description="Kafka ACLs: which credential may do what on topics, groups, transactional ids and the cluster."
        actions={
          canWrite && (
            <CreateAclDialog
              clusterId={clusterId}
              principals={(credentials.data?.credentials ?? []).map((c) => c.principal)}
            />
          )
        }
      />
      <div className="grid gap-8">
        <AclEnforcementCard
          clusterId={clusterId}
          enforced={cluster.data.aclEnforcement}
          canWrite={canWrite}
        />
        <AclList clusterId={clusterId} canWrite={canWrite} />
        <CredentialPermissions clusterId={clusterId} canWrite={canWrite} />
      </div>
    </>
  );
}
