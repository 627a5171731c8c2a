import { Decimal, moneyString, roundMoney, sum } from "./money.ts";

/**
 * What a cluster's month of traffic would cost on self-hosted Kafka across three zones: the
 * inter-zone transfer (replication to followers in other zones, producers and consumers reaching
 * leaders in other zones) at public cloud rates, plus broker instances and replicated disks.
 * Pure, so the console can recompute it as the assumptions are edited.
 */
export interface SelfHostedAssumptions {
  /** USD per GiB crossing zones (AWS: $0.01 out + $0.01 in). */
  interZonePerGiB: string;
  replicationFactor: string;
  /** Share of produced and consumed bytes whose partition leader is in another zone. */
  crossZoneShare: string;
  /** Uncompressed bytes per byte Kafka stores and sends (we meter uncompressed). */
  compressionRatio: string;
  brokers: string;
  /** USD per broker instance and month (e.g. r6i.xlarge on demand ≈ $0.252/h × 730 h). */
  brokerMonthly: string;
  /** USD per provisioned GiB-month of block storage (gp3). */
  diskPerGiBMonth: string;
  /** Disks are kept this full at most, so provisioned = stored × replicas ÷ this. */
  diskTargetUtilization: string;
}

export const defaultSelfHostedAssumptions: SelfHostedAssumptions = {
  interZonePerGiB: "0.02",
  replicationFactor: "3",
  crossZoneShare: "0.6667",
  compressionRatio: "4",
  brokers: "3",
  brokerMonthly: "183.96",
  diskPerGiBMonth: "0.08",
  diskTargetUtilization: "0.5",
};

export interface MonthTraffic {
  /** Uncompressed GiB written, GiB read, GiB-months stored (all as metered by Streambed). */
  writtenGiB: string;
  readGiB: string;
  storedGiBMonths: string;
}

export interface CostLine {
  label: string;
  amount: string;
}

export function selfHostedKafkaCost(traffic: MonthTraffic, a: SelfHostedAssumptions) {
  const ratio = new Decimal(a.compressionRatio);
  const written = new Decimal(traffic.writtenGiB).div(ratio);
  const read = new Decimal(traffic.readGiB).div(ratio);
  const stored = new Decimal(traffic.storedGiBMonths).div(ratio);
  const rf = new Decimal(a.replicationFactor);
  const transfer = new Decimal(a.interZonePerGiB);
  const share = new Decimal(a.crossZoneShare);
  const lines: CostLine[] = [
    { label: "Replication between zones", amount: written.times(rf.minus(1)).times(transfer) },
    { label: "Producers to leaders in other zones", amount: written.times(share).times(transfer) },
    { label: "Consumers from leaders in other zones", amount: read.times(share).times(transfer) },
    { label: "Broker instances", amount: new Decimal(a.brokers).times(a.brokerMonthly) },
    {
      label: "Replicated disks",
      amount: stored.times(rf).div(a.diskTargetUtilization).times(a.diskPerGiBMonth),
    },
  ].map((l) => ({ label: l.label, amount: moneyString(roundMoney(l.amount)) }));
  return { lines, total: moneyString(sum(lines.map((l) => new Decimal(l.amount)))) };
}
