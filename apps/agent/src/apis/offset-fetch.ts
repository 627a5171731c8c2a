import {
  ApiKey,
  ErrorCode,
  defaultOffsetFetchResponse,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type OffsetFetchResponseTopics,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import type { CommittedOffset } from "../metadata/group-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { access } from "../acl/authorize.ts";

type WantedTopics = { name: string; partitionIndexes: number[] }[] | null;

const noOffset = { committedOffset: -1n, committedLeaderEpoch: -1, metadata: "" };

/** The offsets asked for: every committed one (topics null), or each asked partition (-1 when none). */
function answer(
  wanted: WantedTopics,
  committed: CommittedOffset[],
  errorCode: number = ErrorCode.NONE,
): OffsetFetchResponseTopics[] {
  if (wanted === null) {
    const byTopic = new Map<string, OffsetFetchResponseTopics>();
    for (const c of committed) {
      const topic = byTopic.get(c.topic) ?? { name: c.topic, partitions: [] };
      topic.partitions.push({
        partitionIndex: c.partition,
        committedOffset: c.offset,
        committedLeaderEpoch: c.leaderEpoch,
        metadata: c.metadata ?? "",
        errorCode,
      });
      byTopic.set(c.topic, topic);
    }
    return [...byTopic.values()];
  }
  const found = new Map(committed.map((c) => [`${c.topic}\u0000${c.partition}`, c]));
  return wanted.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => {
      const c = found.get(`${t.name}\u0000${partitionIndex}`);
      return c
        ? {
            partitionIndex,
            committedOffset: c.offset,
            committedLeaderEpoch: c.leaderEpoch,
            metadata: c.metadata ?? "",
            errorCode,
          }
        : { partitionIndex, ...noOffset, errorCode };
    }),
  }));
}

async function fetchGroup(
  groupId: string,
  wanted: WantedTopics,
  requireStable: boolean,
  ctx: RequestContext,
  member: { memberId: string | null; memberEpoch: number } = { memberId: null, memberEpoch: -1 },
): Promise<{ errorCode: number; topics: OffsetFetchResponseTopics[] }> {
  if (isInvalidGroupId(groupId)) return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
  const acl = await access(ctx);
  if (!acl.allows("DESCRIBE", "GROUP", groupId))
    return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
  const describable = (topic: string) => acl.allows("DESCRIBE", "TOPIC", topic);
  // v9: a member of a KIP-848 consumer group gives its epoch (STALE_MEMBER_EPOCH when behind).
  if (member.memberId !== null && member.memberEpoch >= 0) {
    const stale = await ctx.services.consumerGroups.validateMember(
      ctx.connection.clusterId,
      groupId,
      member.memberId,
      member.memberEpoch,
    );
    if (stale) return { errorCode: groupErrorCode(stale), topics: [] };
  }
  const committed = await ctx.services.groups.fetchOffsets(
    ctx.connection.clusterId,
    groupId,
    wanted?.map((t) => t.name).filter(describable) ?? null,
  );
  if (committed === "NOT_COORDINATOR") return { errorCode: groupErrorCode(committed), topics: [] };
  // As Kafka: offsets of topics the principal may not describe are left out of an "all" fetch,
  // and answered TOPIC_AUTHORIZATION_FAILED when asked for by name.
  const visible = committed.filter((c) => describable(c.topic));
  const topics =
    wanted === null
      ? answer(null, visible)
      : answer(
          wanted.filter((t) => describable(t.name)),
          visible,
        );
  // require_stable (KIP-447): offsets a transaction still holds are UNSTABLE_OFFSET_COMMIT, which
  // the consumer retries, so a new owner of a partition never starts from before them.
  if (requireStable) {
    const pending = new Set(
      (
        await ctx.services.metadata.transactions.pendingOffsets(ctx.connection.clusterId, groupId)
      ).map((p) => `${p.topic}\u0000${p.partition}`),
    );
    for (const t of topics)
      for (const p of t.partitions)
        if (pending.has(`${t.name}\u0000${p.partitionIndex}`))
          p.errorCode = ErrorCode.UNSTABLE_OFFSET_COMMIT;
  }
  const denied = wanted?.filter((t) => !describable(t.name)) ?? [];
  return {
    errorCode: ErrorCode.NONE,
    topics: [...topics, ...answer(denied, [], ErrorCode.TOPIC_AUTHORIZATION_FAILED)],
  };
}

export const offsetFetchApi = defineApi<OffsetFetchRequest, OffsetFetchResponse>({
  apiKey: ApiKey.OffsetFetch,
  // Kafka 4 dropped OffsetFetch v0.
  minVersion: 1,
  maxVersion: 9,
  async handle(request, ctx) {
    if (ctx.apiVersion >= 8) {
      const groups = await Promise.all(
        request.groups.map(async (g) => ({
          groupId: g.groupId,
          ...(await fetchGroup(g.groupId, g.topics, request.requireStable, ctx, g)),
        })),
      );
      return { ...defaultOffsetFetchResponse(), groups };
    }
    const { errorCode, topics } = await fetchGroup(
      request.groupId,
      request.topics,
      request.requireStable,
      ctx,
    );
    if (errorCode !== ErrorCode.NONE) return this.errorResponse(request, errorCode, ctx);
    return { ...defaultOffsetFetchResponse(), topics };
  },
  errorResponse(request, errorCode, ctx) {
    if (ctx.apiVersion >= 8) {
      return {
        ...defaultOffsetFetchResponse(),
        groups: request.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] })),
      };
    }
    // v1 has no top-level error: the error goes on every partition asked for.
    return {
      ...defaultOffsetFetchResponse(),
      errorCode,
      topics: ctx.apiVersion < 2 ? answer(request.topics ?? [], [], errorCode) : [],
    };
  },
});
