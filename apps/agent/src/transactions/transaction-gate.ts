import type { CommitEntryErrorCode, FlushEntry } from "../metadata/metadata-store.ts";

/** What a flush commit knows about a transactional producer and one partition it writes. */
export interface TransactionMembership {
  producerId: bigint;
  topicId: string;
  partition: number;
  /** The transactional id's current epoch. */
  epoch: number;
  /** Its transaction is Ongoing (not being completed, not complete). */
  ongoing: boolean;
  /** The partition was added to the transaction (AddPartitionsToTxn). */
  added: boolean;
}

const membershipKey = (producerId: bigint, topicId: string, partition: number) =>
  `${producerId}:${topicId}:${partition}`;

/**
 * The transactional check of one flush commit: a transactional producer's batch is taken only
 * while its epoch is current (else INVALID_PRODUCER_EPOCH: a zombie, fenced) and its transaction
 * is open with the partition added (else INVALID_TXN_STATE). Markers and other batches pass.
 * Because the check runs with the partitions locked, a batch taken here lands before the
 * transaction's marker, which needs the same lock.
 */
export class TransactionGate {
  private readonly members: Map<string, TransactionMembership>;

  constructor(memberships: readonly TransactionMembership[]) {
    this.members = new Map(
      memberships.map((m) => [membershipKey(m.producerId, m.topicId, m.partition), m]),
    );
  }

  check(entry: FlushEntry): CommitEntryErrorCode | null {
    const producer = entry.producer;
    if (!producer?.transactional || producer.control) return null;
    const member = this.members.get(
      membershipKey(producer.producerId, entry.topicId, entry.partition),
    );
    if (!member) return "INVALID_TXN_STATE";
    if (producer.producerEpoch !== member.epoch) return "INVALID_PRODUCER_EPOCH";
    if (!member.ongoing || !member.added) return "INVALID_TXN_STATE";
    return null;
  }
}
