import { TRPCError } from "@trpc/server";
import { recordAudit } from "../audit/record-audit.ts";
import { webConfig } from "../config.ts";
import { withClusterConnection } from "../kafka/cluster-connection.ts";
import { parseJsonPath } from "../messages/message-filter.ts";
import { ProduceRefusedError, produceMessage } from "../messages/produce-message.ts";
import { readMessages } from "../messages/read-messages.ts";
import { browseMessagesInput, produceMessageInput } from "../messages/schemas.ts";
import { clusterProcedure, router } from "../trpc.ts";

type Db = Parameters<typeof withClusterConnection>[0];

async function findTopic(prisma: Db, clusterId: string, topic: string) {
  const found = await prisma.topic.findUnique({
    where: { clusterId_name: { clusterId, name: topic } },
    select: { id: true, partitionCount: true },
  });
  if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "Topic not found" });
  return found;
}

function checkPartition(partition: number | null, count: number): void {
  if (partition !== null && partition >= count)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The topic has partitions 0 to ${count - 1}`,
    });
}

/** What the agent or the connection said, as an error the browser can show. */
function agentFailure(err: unknown, signal: AbortSignal | undefined): never {
  if (err instanceof TRPCError) throw err;
  if (signal?.aborted)
    throw new TRPCError({ code: "CLIENT_CLOSED_REQUEST", message: "The read was cancelled" });
  const reason = err instanceof Error ? err.message : String(err);
  throw new TRPCError({ code: "BAD_GATEWAY", message: `The agent could not answer: ${reason}` });
}

/** A request without a signal (server-side callers) still gets one, so the same path runs. */
const noSignal = () => new AbortController().signal;

export const messagesRouter = router({
  /** Reads through an agent as a short-lived, group-less Kafka consumer; bounded in bytes and time. */
  browse: clusterProcedure("read")
    .input(browseMessagesInput)
    .query(async ({ ctx, input, signal }) => {
      const { partitionCount: count } = await findTopic(ctx.prisma, ctx.cluster.id, input.topic);
      checkPartition(input.partition, count);
      if (input.filter?.mode === "jsonPath") {
        try {
          parseJsonPath(input.filter.query);
        } catch (err) {
          throw new TRPCError({ code: "BAD_REQUEST", message: (err as Error).message });
        }
      }
      const partitions =
        input.partition === null ? Array.from({ length: count }, (_, p) => p) : [input.partition];
      const startedAt = performance.now();
      try {
        const result = await withClusterConnection(
          ctx.prisma,
          {
            clusterId: ctx.cluster.id,
            role: "fetch",
            secret: webConfig().authSecret,
            signal: signal ?? noSignal(),
          },
          (connection) => readMessages(connection, input, partitions),
        );
        const bytes = (b: Buffer | null) =>
          b === null ? null : { base64: b.toString("base64"), size: b.length };
        return {
          messages: result.messages.map((m) => ({
            partition: m.partition,
            offset: m.offset,
            timestamp: m.timestamp,
            key: bytes(m.key),
            value: bytes(m.value),
            headers: m.headers.map((h) => ({ key: h.key, value: bytes(h.value) })),
          })),
          scannedBytes: result.scannedBytes,
          stoppedBy: result.stoppedBy,
          elapsedMs: Math.round(performance.now() - startedAt),
        };
      } catch (err) {
        agentFailure(err, signal);
      }
    }),

  /** Produces one message through an agent (acks=all), audited. */
  produce: clusterProcedure("write")
    .input(produceMessageInput)
    .mutation(async ({ ctx, input, signal }) => {
      const topic = await findTopic(ctx.prisma, ctx.cluster.id, input.topic);
      const count = topic.partitionCount;
      checkPartition(input.partition, count);
      let result: { partition: number; offset: bigint };
      try {
        result = await withClusterConnection(
          ctx.prisma,
          {
            clusterId: ctx.cluster.id,
            role: "produce",
            secret: webConfig().authSecret,
            signal: signal ?? noSignal(),
          },
          (connection) => produceMessage(connection, input, count),
        );
      } catch (err) {
        if (err instanceof ProduceRefusedError)
          throw new TRPCError({ code: "BAD_REQUEST", message: err.message });
        agentFailure(err, signal);
      }
      await recordAudit(ctx.prisma, {
        organizationId: ctx.organizationId,
        actorUserId: ctx.user.id,
        action: "message.produced",
        targetType: "topic",
        targetId: topic.id,
        metadata: {
          clusterId: ctx.cluster.id,
          topic: input.topic,
          partition: result.partition,
          offset: result.offset.toString(),
        },
        ip: ctx.ip,
      });
      return result;
    }),
});
