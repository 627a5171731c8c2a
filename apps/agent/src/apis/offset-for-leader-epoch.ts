import {
  ErrorCode,
  ApiKey,
  defaultOffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochResponseEpochEndOffset,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { access } from "../acl/authorize.ts";

/** Every partition has one leader epoch, 0, for its whole life (any agent may serve it). */
const LEADER_EPOCH = 0;

type EpochEndOffset = OffsetForLeaderEpochResponseEpochEndOffset;

function answer(
  partition: number,
  errorCode: number,
  leaderEpoch = -1,
  endOffset = -1n,
): EpochEndOffset {
  return { errorCode, partition, leaderEpoch, endOffset };
}

/**
 * Lets clients validate their positions after a leader change (KIP-320): with a single epoch the
 * end offset of epoch 0 is the high watermark, so a valid position is never truncated.
 */
export const offsetForLeaderEpochApi = defineApi<
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse
>({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 2,
  maxVersion: 4,
  async handle(request, ctx) {
    const { topics, metadata } = ctx.services;
    const clusterId = ctx.connection.clusterId;
    const acl = await access(ctx);
    const known = await topics.getMany(
      clusterId,
      request.topics.map((t) => t.topic),
    );
    const refs = request.topics.flatMap((t) => {
      const topic = known.get(t.topic);
      return topic ? t.partitions.map((p) => ({ topicId: topic.id, partition: p.partition })) : [];
    });
    const heads = new Map(
      (await metadata.partitionHeads(clusterId, refs)).map((h) => [
        `${h.topicId}:${h.partition}`,
        h,
      ]),
    );
    return {
      ...defaultOffsetForLeaderEpochResponse(),
      topics: request.topics.map((t) => {
        const topic = known.get(t.topic);
        return {
          topic: t.topic,
          partitions: t.partitions.map((p) => {
            if (!acl.allows("DESCRIBE", "TOPIC", t.topic))
              return answer(p.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const head = topic && heads.get(`${topic.id}:${p.partition}`);
            if (!head) return answer(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            if (p.currentLeaderEpoch > LEADER_EPOCH)
              return answer(p.partition, ErrorCode.UNKNOWN_LEADER_EPOCH);
            if (p.leaderEpoch > LEADER_EPOCH) return answer(p.partition, ErrorCode.NONE);
            return answer(p.partition, ErrorCode.NONE, LEADER_EPOCH, head.highWatermark);
          }),
        };
      }),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultOffsetForLeaderEpochResponse(),
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => answer(p.partition, errorCode)),
      })),
    };
  },
});
