import type { ClientQuota, QuotaEntity } from "../quotas/client-quota-entity.ts";

export interface QuotaChange {
  entity: QuotaEntity;
  ops: { key: string; value: number; remove: boolean }[];
}

/** Client quotas per cluster, as AlterClientQuotas stores them. */
export interface QuotaStore {
  /** Applies every change in one transaction. */
  alter(clusterId: string, changes: readonly QuotaChange[]): Promise<void>;
  list(clusterId: string): Promise<ClientQuota[]>;
}
