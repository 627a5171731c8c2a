import type { Assignment } from "./assignment.ts";
import type { MemberAssignmentState } from "./reconciliation.ts";

/** Kafka error names a KIP-848 group answers with; the handlers turn them into wire codes. */
export type ConsumerGroupError =
  | "UNKNOWN_MEMBER_ID"
  | "FENCED_MEMBER_EPOCH"
  | "STALE_MEMBER_EPOCH"
  | "UNRELEASED_INSTANCE_ID"
  | "FENCED_INSTANCE_ID"
  | "UNSUPPORTED_ASSIGNOR"
  | "INVALID_REQUEST"
  | "GROUP_MAX_SIZE_REACHED"
  | "GROUP_ID_NOT_FOUND"
  | "INCONSISTENT_GROUP_PROTOCOL"
  | "NON_EMPTY_GROUP"
  | "NOT_COORDINATOR";

/** Kafka's ConsumerGroupState names. */
export type ConsumerGroupState = "Empty" | "Assigning" | "Reconciling" | "Stable";

/** Epochs with a meaning of their own in ConsumerGroupHeartbeat. */
export const JOIN_EPOCH = 0;
export const LEAVE_EPOCH = -1;
/** A static member leaving for a while: it keeps its partitions until its session expires. */
export const STATIC_LEAVE_EPOCH = -2;

export interface ConsumerMember extends MemberAssignmentState {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
}

/** A topic as subscriptions resolve it. */
export interface SubscribedTopic {
  id: string;
  name: string;
  partitions: number;
}

/** Everything a KIP-848 group is: what is persisted and what another coordinator loads. */
export interface ConsumerGroupSnapshot {
  groupId: string;
  groupEpoch: number;
  assignmentEpoch: number;
  members: ConsumerMember[];
  /** Target assignment (at assignmentEpoch) by member id. */
  targetAssignment: Record<string, Assignment>;
  /** The subscribed topics as of groupEpoch: a change (new partitions, a new topic) bumps it. */
  subscribedTopics: SubscribedTopic[];
}

/** A ConsumerGroupHeartbeat, null fields meaning "unchanged" as on the wire. */
export interface HeartbeatRequest {
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  ownedPartitions: Assignment | null;
  clientId: string;
  clientHost: string;
}

export type HeartbeatResult =
  | { error: ConsumerGroupError; message: string | null }
  | {
      error: null;
      memberId: string;
      memberEpoch: number;
      heartbeatIntervalMs: number;
      /** Sent when it changed or the member needs it; null otherwise. */
      assignment: Assignment | null;
    };

export interface ConsumerGroupSettings {
  /** Kafka's group.consumer.heartbeat.interval.ms. */
  heartbeatIntervalMs: number;
  /** Kafka's group.consumer.session.timeout.ms. */
  sessionTimeoutMs: number;
  /** Kafka's group.consumer.max.size. */
  maxSize: number;
}

export const defaultConsumerGroupSettings: ConsumerGroupSettings = {
  heartbeatIntervalMs: 5000,
  sessionTimeoutMs: 45_000,
  maxSize: 1000,
};
