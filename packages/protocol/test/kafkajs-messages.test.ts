/**
 * Cross-checks our generated codecs against an independent implementation, KafkaJS 2.2:
 * requests KafkaJS encodes decode to the same values with our code, and responses we encode
 * decode through KafkaJS's parsers (at the versions KafkaJS implements, all non-flexible).
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  ApiKey,
  apis,
  decodeConsumerProtocolAssignment,
  decodeConsumerProtocolSubscription,
  decodeRequestHeader,
  defaultMetadataResponse,
  encodeApiVersionsResponse,
  encodeConsumerProtocolAssignment,
  encodeConsumerProtocolSubscription,
  encodeFetchResponse,
  encodeFindCoordinatorResponse,
  encodeJoinGroupResponse,
  encodeMetadataResponse,
  encodeOffsetFetchResponse,
  encodeProduceResponse,
  type RequestHeader,
} from "../src/index.ts";
import { Reader } from "../src/primitives/reader.ts";
import { Writer } from "../src/primitives/writer.ts";

const require = createRequire(import.meta.url);

interface KafkaJsEncoder {
  buffer: Buffer;
}
interface KafkaJsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<KafkaJsEncoder>;
}
interface KafkaJsApi {
  protocol(o: { version: number }): (args: object) => {
    request: KafkaJsRequest;
    response: { decode(data: Buffer): Promise<Record<string, unknown>> };
  };
}
const kafkajsApi = (name: string) =>
  require(`kafkajs/src/protocol/requests/${name}/index.js`) as KafkaJsApi;
const kafkajsFrame = require("kafkajs/src/protocol/request.js") as (o: {
  correlationId: number;
  clientId: string;
  request: KafkaJsRequest;
}) => Promise<KafkaJsEncoder>;
const { MemberMetadata, MemberAssignment } =
  require("kafkajs/src/consumer/assignerProtocol.js") as {
    MemberMetadata: {
      encode(o: object): Buffer;
      decode(b: Buffer): { version: number; topics: string[]; userData: Buffer };
    };
    MemberAssignment: {
      encode(o: object): Buffer;
      decode(b: Buffer): {
        version: number;
        assignment: Record<string, number[]>;
        userData: Buffer;
      };
    };
  };
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0/index.js") as {
  RecordBatch(o: object): Promise<KafkaJsEncoder>;
};
const KafkaJsRecord = require("kafkajs/src/protocol/recordBatch/record/v0/index.js") as (
  o: object,
) => unknown;

/** Frames a request with KafkaJS, then decodes size, header and body with our code. */
async function roundTripRequest(api: string, version: number, args: object) {
  const { request } = kafkajsApi(api).protocol({ version })(args);
  const frame = (await kafkajsFrame({ correlationId: 42, clientId: "kjs", request })).buffer;
  const r = new Reader(frame);
  expect(r.int32()).toBe(frame.length - 4);
  const header: RequestHeader = decodeRequestHeader(r);
  expect(header).toMatchObject({ requestApiVersion: version, correlationId: 42, clientId: "kjs" });
  const body = apis[header.requestApiKey]!.decodeRequest(r, version);
  expect(r.remaining()).toBe(0);
  return { header, body };
}

/** Encodes a response body with our code and decodes it with KafkaJS's parser. */
function kafkajsDecodeResponse<T>(
  api: string,
  version: number,
  encode: (w: Writer, msg: T, version: number) => void,
  msg: T,
): Promise<Record<string, unknown>> {
  const w = new Writer();
  encode(w, msg, version);
  const { response } = kafkajsApi(api).protocol({ version })({});
  return response.decode(w.finish());
}

describe("requests encoded by KafkaJS decode with our codecs", () => {
  it.each([3, 5, 7])("Produce v%i", async (version) => {
    const { header, body } = await roundTripRequest("produce", version, {
      acks: -1,
      timeout: 30000,
      transactionalId: version === 7 ? "tx-1" : null,
      topicData: [
        { topic: "orders", partitions: [{ partition: 3, messages: [{ key: "k", value: "v" }] }] },
        { topic: "audit", partitions: [{ partition: 0, messages: [{ value: "x" }] }] },
      ],
    });
    expect(header.requestApiKey).toBe(ApiKey.Produce);
    expect(body).toMatchObject({
      transactionalId: version === 7 ? "tx-1" : null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [
        { name: "orders", partitionData: [{ index: 3 }] },
        { name: "audit", partitionData: [{ index: 0 }] },
      ],
    });
    const records = (body as { topicData: { partitionData: { records: Buffer }[] }[] })
      .topicData[0]!.partitionData[0]!.records;
    expect(records.readInt32BE(8) + 12).toBe(records.length);
    expect(records[16]).toBe(2);
  });

  it.each([4, 7, 11])("Fetch v%i", async (version) => {
    const { body } = await roundTripRequest("fetch", version, {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      rackId: "az-1",
      topics: [
        {
          topic: "orders",
          partitions: [{ partition: 2, fetchOffset: "1234567890123", maxBytes: 1048576 }],
        },
      ],
    });
    expect(body).toMatchObject({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      topics: [
        {
          topic: "orders",
          partitions: [{ partition: 2, fetchOffset: 1234567890123n, partitionMaxBytes: 1048576 }],
        },
      ],
    });
    if (version >= 7)
      expect(body).toMatchObject({ sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [] });
    if (version >= 11) expect(body).toMatchObject({ rackId: "az-1" });
  });

  it.each([0, 1, 4, 6])("Metadata v%i", async (version) => {
    const { body } = await roundTripRequest("metadata", version, {
      topics: ["a", "b"],
      allowAutoTopicCreation: false,
    });
    expect(body).toMatchObject({ topics: [{ name: "a" }, { name: "b" }] });
    expect((body as { allowAutoTopicCreation: boolean }).allowAutoTopicCreation).toBe(version < 4);
  });

  it.each([0, 1, 2])("ApiVersions v%i", async (version) => {
    const { header, body } = await roundTripRequest("apiVersions", version, {});
    expect(header.requestApiKey).toBe(ApiKey.ApiVersions);
    expect(body).toMatchObject({ clientSoftwareName: "", clientSoftwareVersion: "" });
  });

  it.each([0, 1, 5])("JoinGroup v%i", async (version) => {
    const metadata = MemberMetadata.encode({ version: 1, topics: ["orders"] });
    const { body } = await roundTripRequest("joinGroup", version, {
      groupId: "g1",
      sessionTimeout: 10000,
      rebalanceTimeout: 60000,
      memberId: "",
      groupInstanceId: version >= 5 ? "static-1" : null,
      protocolType: "consumer",
      groupProtocols: [{ name: "RoundRobinAssigner", metadata }],
    });
    expect(body).toMatchObject({
      groupId: "g1",
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: version >= 1 ? 60000 : -1,
      memberId: "",
      groupInstanceId: version >= 5 ? "static-1" : null,
      protocolType: "consumer",
      protocols: [{ name: "RoundRobinAssigner", metadata }],
    });
  });

  it.each([2, 5])("OffsetCommit v%i", async (version) => {
    const { body } = await roundTripRequest("offsetCommit", version, {
      groupId: "g1",
      groupGenerationId: 7,
      memberId: "m-1",
      retentionTime: -1,
      topics: [{ topic: "orders", partitions: [{ partition: 1, offset: "42", metadata: null }] }],
    });
    expect(body).toMatchObject({
      groupId: "g1",
      generationIdOrMemberEpoch: 7,
      memberId: "m-1",
      topics: [
        {
          name: "orders",
          partitions: [{ partitionIndex: 1, committedOffset: 42n, committedMetadata: null }],
        },
      ],
    });
  });

  it("SyncGroup v3, Heartbeat v3, FindCoordinator v2, ListOffsets v3, CreateTopics v3", async () => {
    const assignment = MemberAssignment.encode({ version: 0, assignment: { orders: [0, 1] } });
    const sync = await roundTripRequest("syncGroup", 3, {
      groupId: "g1",
      generationId: 3,
      memberId: "m-1",
      groupInstanceId: null,
      groupAssignment: [{ memberId: "m-1", memberAssignment: assignment }],
    });
    expect(sync.body).toMatchObject({
      groupId: "g1",
      generationId: 3,
      memberId: "m-1",
      groupInstanceId: null,
      assignments: [{ memberId: "m-1", assignment }],
    });
    const hb = await roundTripRequest("heartbeat", 3, {
      groupId: "g1",
      groupGenerationId: 3,
      memberId: "m-1",
      groupInstanceId: "s",
    });
    expect(hb.body).toMatchObject({
      groupId: "g1",
      generationId: 3,
      memberId: "m-1",
      groupInstanceId: "s",
    });
    const fc = await roundTripRequest("findCoordinator", 2, { groupId: "g1", coordinatorType: 0 });
    expect(fc.body).toMatchObject({ key: "g1", keyType: 0 });
    const lo = await roundTripRequest("listOffsets", 3, {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: "orders", partitions: [{ partition: 0, timestamp: -2 }] }],
    });
    expect(lo.body).toMatchObject({
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0, timestamp: -2n }] }],
    });
    const ct = await roundTripRequest("createTopics", 3, {
      topics: [
        {
          topic: "t",
          numPartitions: 6,
          replicationFactor: 3,
          configEntries: [{ name: "retention.ms", value: "1000" }],
        },
      ],
      validateOnly: true,
      timeout: 5000,
    });
    expect(ct.body).toMatchObject({
      topics: [
        {
          name: "t",
          numPartitions: 6,
          replicationFactor: 3,
          assignments: [],
          configs: [{ name: "retention.ms", value: "1000" }],
        },
      ],
      timeoutMs: 5000,
      validateOnly: true,
    });
  });

  it("SaslHandshake v1, SaslAuthenticate v1, InitProducerId v1", async () => {
    const hs = await roundTripRequest("saslHandshake", 1, { mechanism: "SCRAM-SHA-256" });
    expect(hs.body).toMatchObject({ mechanism: "SCRAM-SHA-256" });
    // KafkaJS's SASL mechanisms hand this request already length-prefixed bytes.
    const token = Buffer.from("\0u\0p");
    const prefixed = Buffer.concat([Buffer.from([0, 0, 0, token.length]), token]);
    const auth = await roundTripRequest("saslAuthenticate", 1, { authBytes: prefixed });
    expect(auth.body).toMatchObject({ authBytes: token });
    const ip = await roundTripRequest("initProducerId", 1, {
      transactionalId: "tx",
      transactionTimeout: 30000,
    });
    expect(ip.body).toMatchObject({ transactionalId: "tx", transactionTimeoutMs: 30000 });
  });
});

describe("consumer protocol payloads agree with KafkaJS's assigner protocol", () => {
  it("ConsumerProtocolSubscription v0 both ways", () => {
    const kjs = MemberMetadata.encode({
      version: 0,
      topics: ["a", "b"],
      userData: Buffer.from("u"),
    });
    const r = new Reader(kjs);
    const version = r.int16();
    expect(decodeConsumerProtocolSubscription(r, version)).toMatchObject({
      topics: ["a", "b"],
      userData: Buffer.from("u"),
    });
    const w = new Writer();
    w.int16(0);
    encodeConsumerProtocolSubscription(
      w,
      { topics: ["a"], userData: null, ownedPartitions: [], generationId: -1, rackId: null },
      0,
    );
    expect(MemberMetadata.decode(w.finish())).toMatchObject({ version: 0, topics: ["a"] });
  });

  it("ConsumerProtocolAssignment v0 both ways", () => {
    const kjs = MemberAssignment.encode({ version: 0, assignment: { a: [0, 2], b: [1] } });
    const r = new Reader(kjs);
    const version = r.int16();
    expect(decodeConsumerProtocolAssignment(r, version)).toMatchObject({
      assignedPartitions: [
        { topic: "a", partitions: [0, 2] },
        { topic: "b", partitions: [1] },
      ],
    });
    const w = new Writer();
    w.int16(0);
    encodeConsumerProtocolAssignment(
      w,
      { assignedPartitions: [{ topic: "a", partitions: [3] }], userData: Buffer.alloc(0) },
      0,
    );
    expect(MemberAssignment.decode(w.finish())).toMatchObject({
      version: 0,
      assignment: { a: [3] },
    });
  });
});

describe("responses encoded by our codecs decode with KafkaJS", () => {
  it.each([0, 1, 2])("ApiVersions v%i", async (version) => {
    const decoded = await kafkajsDecodeResponse("apiVersions", version, encodeApiVersionsResponse, {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 9 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    });
    expect(decoded).toMatchObject({
      errorCode: 0,
      apiVersions: [
        { apiKey: 0, minVersion: 3, maxVersion: 9 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
    });
  });

  it.each([0, 1, 5, 6])("Metadata v%i", async (version) => {
    const decoded = await kafkajsDecodeResponse("metadata", version, encodeMetadataResponse, {
      ...defaultMetadataResponse(),
      brokers: [{ nodeId: 1, host: "127.0.0.1", port: 9092, rack: "az-1" }],
      clusterId: "cluster-1",
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: "orders",
          topicId: "00000000-0000-0000-0000-000000000000",
          isInternal: false,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: 0,
              replicaNodes: [1],
              isrNodes: [1],
              offlineReplicas: [],
            },
          ],
          topicAuthorizedOperations: -2147483648,
        },
      ],
    });
    expect(decoded).toMatchObject({
      brokers: [{ nodeId: 1, host: "127.0.0.1", port: 9092 }],
      topicMetadata: [
        {
          topicErrorCode: 0,
          topic: "orders",
          partitionMetadata: [
            { partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1] },
          ],
        },
      ],
    });
    if (version >= 1) expect(decoded).toMatchObject({ controllerId: 1 });
    if (version >= 2) expect(decoded).toMatchObject({ clusterId: "cluster-1" });
  });

  it.each([3, 7])("Produce v%i", async (version) => {
    const decoded = await kafkajsDecodeResponse("produce", version, encodeProduceResponse, {
      responses: [
        {
          name: "orders",
          partitionResponses: [
            {
              index: 3,
              errorCode: 0,
              baseOffset: 100n,
              logAppendTimeMs: -1n,
              logStartOffset: 0n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [],
    });
    expect(decoded).toMatchObject({
      topics: [
        { topicName: "orders", partitions: [{ partition: 3, errorCode: 0, baseOffset: "100" }] },
      ],
    });
  });

  it.each([4, 11])("Fetch v%i with a KafkaJS record batch", async (version) => {
    const batch = (
      await RecordBatch({
        firstOffset: "5",
        records: [KafkaJsRecord({ key: Buffer.from("k"), value: Buffer.from("hello") })],
      })
    ).buffer;
    const decoded = await kafkajsDecodeResponse("fetch", version, encodeFetchResponse, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: "orders",
          topicId: "00000000-0000-0000-0000-000000000000",
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 6n,
              lastStableOffset: 6n,
              logStartOffset: 0n,
              divergingEpoch: { epoch: -1, endOffset: -1n },
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              snapshotId: { endOffset: -1n, epoch: -1 },
              abortedTransactions: [],
              preferredReadReplica: -1,
              records: batch,
            },
          ],
        },
      ],
      nodeEndpoints: [],
    });
    const partition = (decoded.responses as { partitions: Record<string, unknown>[] }[])[0]!
      .partitions[0]!;
    expect(partition).toMatchObject({ partition: 0, errorCode: 0, highWatermark: "6" });
    expect(partition.messages).toMatchObject([
      { offset: "5", key: Buffer.from("k"), value: Buffer.from("hello") },
    ]);
  });

  it("JoinGroup v5, FindCoordinator v2, OffsetFetch v4", async () => {
    const join = await kafkajsDecodeResponse("joinGroup", 5, encodeJoinGroupResponse, {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 4,
      protocolType: "consumer",
      protocolName: "RoundRobinAssigner",
      leader: "m-1",
      skipAssignment: false,
      memberId: "m-1",
      members: [{ memberId: "m-1", groupInstanceId: null, metadata: Buffer.from("md") }],
    });
    expect(join).toMatchObject({
      generationId: 4,
      groupProtocol: "RoundRobinAssigner",
      leaderId: "m-1",
      memberId: "m-1",
      members: [{ memberId: "m-1", memberMetadata: Buffer.from("md") }],
    });
    const coordinator = await kafkajsDecodeResponse(
      "findCoordinator",
      2,
      encodeFindCoordinatorResponse,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        nodeId: 2,
        host: "10.0.0.2",
        port: 9093,
        coordinators: [],
      },
    );
    expect(coordinator).toMatchObject({
      errorCode: 0,
      coordinator: { nodeId: 2, host: "10.0.0.2", port: 9093 },
    });
    const offsets = await kafkajsDecodeResponse("offsetFetch", 4, encodeOffsetFetchResponse, {
      throttleTimeMs: 0,
      topics: [
        {
          name: "orders",
          partitions: [
            {
              partitionIndex: 1,
              committedOffset: 42n,
              committedLeaderEpoch: -1,
              metadata: "",
              errorCode: 0,
            },
          ],
        },
      ],
      errorCode: 0,
      groups: [],
    });
    expect(offsets).toMatchObject({
      responses: [
        {
          topic: "orders",
          partitions: [{ partition: 1, offset: "42", metadata: "", errorCode: 0 }],
        },
      ],
    });
  });
});
