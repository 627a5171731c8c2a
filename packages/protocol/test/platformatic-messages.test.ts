/**
 * Cross-checks the flexible versions (compact encodings, tagged-field sections) that KafkaJS
 * does not speak, against a second independent implementation: @platformatic/kafka.
 * Requests it encodes decode with our codecs; responses we encode parse with its parsers.
 */
import {
  apiVersionsV3,
  consumerGroupHeartbeatV0,
  fetchV17,
  findCoordinatorV6,
  joinGroupV9,
  listOffsetsV9,
  metadataV12,
  offsetCommitV9,
  offsetFetchV9,
  produceV11,
  syncGroupV5,
  Reader as PReader,
  type Writer as PWriter,
} from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import {
  decodeApiVersionsRequest,
  decodeConsumerGroupHeartbeatRequest,
  decodeFetchRequest,
  decodeFindCoordinatorRequest,
  decodeJoinGroupRequest,
  decodeListOffsetsRequest,
  decodeMetadataRequest,
  decodeOffsetCommitRequest,
  decodeOffsetFetchRequest,
  decodeProduceRequest,
  decodeSyncGroupRequest,
  defaultApiVersionsResponse,
  defaultConsumerGroupHeartbeatResponse,
  defaultFetchResponsePartitionData,
  defaultJoinGroupResponse,
  defaultMetadataResponse,
  defaultProduceResponsePartitionProduceResponse,
  encodeApiVersionsResponse,
  encodeConsumerGroupHeartbeatResponse,
  encodeFetchResponse,
  encodeFindCoordinatorResponse,
  encodeJoinGroupResponse,
  encodeMetadataResponse,
  encodeOffsetFetchResponse,
  encodeProduceResponse,
  encodeSyncGroupResponse,
} from "../src/index.ts";
import { Reader } from "../src/primitives/reader.ts";
import { Writer } from "../src/primitives/writer.ts";

const TOPIC_ID = "6f1a2b3c-4d5e-4f60-8172-8394a5b6c7d8";
const FORGOTTEN_ID = "0a0b0c0d-0e0f-4011-9213-141516171819";

function decodeWithOurs<T>(
  encoded: PWriter,
  decode: (r: Reader, v: number) => T,
  version: number,
): T {
  const r = new Reader(encoded.buffer);
  const msg = decode(r, version);
  expect(r.remaining()).toBe(0);
  return msg;
}

function parseWithTheirs<T, R>(
  encode: (w: Writer, msg: T, v: number) => void,
  msg: T,
  apiKey: number,
  version: number,
  parse: (correlationId: number, apiKey: number, version: number, reader: PReader) => R,
): R {
  const w = new Writer();
  encode(w, msg, version);
  return parse(1, apiKey, version, PReader.from(Buffer.from(w.finish())));
}

describe("flexible requests encoded by @platformatic/kafka decode with our codecs", () => {
  it("Produce v11", () => {
    const req = produceV11.createRequest(
      -1,
      5000,
      [{ topic: "orders", partition: 2, key: Buffer.from("k"), value: Buffer.from("v") }],
      { producerId: -1n, producerEpoch: -1, compression: "none" },
    );
    const msg = decodeWithOurs(req, decodeProduceRequest, 11);
    expect(msg).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 5000 });
    expect(msg.topicData).toMatchObject([{ name: "orders", partitionData: [{ index: 2 }] }]);
    const records = msg.topicData[0]!.partitionData[0]!.records!;
    expect(records.readInt32BE(8) + 12).toBe(records.length);
  });

  it("Fetch v17 with topic ids", () => {
    const req = fetchV17.createRequest(
      500,
      1,
      1 << 20,
      1,
      7,
      3,
      [
        {
          topicId: TOPIC_ID,
          partitions: [
            {
              partition: 1,
              currentLeaderEpoch: 4,
              fetchOffset: 99n,
              lastFetchedEpoch: -1,
              partitionMaxBytes: 4096,
            },
          ],
        },
      ],
      // From v13 a forgotten topic is named by id; the library passes it in `topic`.
      [{ topic: FORGOTTEN_ID, partitions: [5] }],
      "az-2",
    );
    expect(decodeWithOurs(req, decodeFetchRequest, 17)).toMatchObject({
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      sessionId: 7,
      sessionEpoch: 3,
      topics: [
        {
          topicId: TOPIC_ID,
          partitions: [
            {
              partition: 1,
              currentLeaderEpoch: 4,
              fetchOffset: 99n,
              lastFetchedEpoch: -1,
              partitionMaxBytes: 4096,
            },
          ],
        },
      ],
      forgottenTopicsData: [{ topic: "", topicId: FORGOTTEN_ID, partitions: [5] }],
      rackId: "az-2",
    });
  });

  it("Metadata v12, ApiVersions v3, FindCoordinator v6", () => {
    expect(
      decodeWithOurs(metadataV12.createRequest(["a", "b"], false, true), decodeMetadataRequest, 12),
    ).toMatchObject({
      topics: [{ name: "a" }, { name: "b" }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: true,
    });
    expect(
      decodeWithOurs(metadataV12.createRequest(null), decodeMetadataRequest, 12).topics,
    ).toBeNull();
    expect(
      decodeWithOurs(apiVersionsV3.createRequest("pk", "1.35.0"), decodeApiVersionsRequest, 3),
    ).toMatchObject({
      clientSoftwareName: "pk",
      clientSoftwareVersion: "1.35.0",
    });
    expect(
      decodeWithOurs(
        findCoordinatorV6.createRequest(0, ["g1", "g2"]),
        decodeFindCoordinatorRequest,
        6,
      ),
    ).toMatchObject({
      keyType: 0,
      coordinatorKeys: ["g1", "g2"],
    });
  });

  it("JoinGroup v9, SyncGroup v5, OffsetCommit v9, OffsetFetch v9, ListOffsets v9", () => {
    const join = joinGroupV9.createRequest(
      "g1",
      10000,
      60000,
      "",
      null,
      "consumer",
      [{ name: "range", metadata: Buffer.from("md") }],
      "because",
    );
    expect(decodeWithOurs(join, decodeJoinGroupRequest, 9)).toMatchObject({
      groupId: "g1",
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 60000,
      memberId: "",
      groupInstanceId: null,
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: Buffer.from("md") }],
      reason: "because",
    });
    const sync = syncGroupV5.createRequest("g1", 2, "m", null, "consumer", "range", [
      { memberId: "m", assignment: Buffer.from("as") },
    ]);
    expect(decodeWithOurs(sync, decodeSyncGroupRequest, 5)).toMatchObject({
      groupId: "g1",
      generationId: 2,
      protocolType: "consumer",
      protocolName: "range",
      assignments: [{ memberId: "m", assignment: Buffer.from("as") }],
    });
    const commit = offsetCommitV9.createRequest("g1", 2, "m", null, [
      {
        name: "orders",
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 10n,
            committedLeaderEpoch: 1,
            committedMetadata: "x",
          },
        ],
      },
    ]);
    expect(decodeWithOurs(commit, decodeOffsetCommitRequest, 9)).toMatchObject({
      groupId: "g1",
      generationIdOrMemberEpoch: 2,
      memberId: "m",
      topics: [
        {
          name: "orders",
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 10n,
              committedLeaderEpoch: 1,
              committedMetadata: "x",
            },
          ],
        },
      ],
    });
    const fetchOffsets = offsetFetchV9.createRequest(
      [
        {
          groupId: "g1",
          memberId: null,
          memberEpoch: -1,
          topics: [{ name: "orders", partitionIndexes: [0, 1] }],
        },
      ],
      true,
    );
    expect(decodeWithOurs(fetchOffsets, decodeOffsetFetchRequest, 9)).toMatchObject({
      groups: [
        {
          groupId: "g1",
          memberId: null,
          memberEpoch: -1,
          topics: [{ name: "orders", partitionIndexes: [0, 1] }],
        },
      ],
      requireStable: true,
    });
    const list = listOffsetsV9.createRequest(-1, 0, [
      {
        name: "orders",
        partitions: [{ partitionIndex: 3, currentLeaderEpoch: -1, timestamp: -1n }],
      },
    ]);
    expect(decodeWithOurs(list, decodeListOffsetsRequest, 9)).toMatchObject({
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: "orders",
          partitions: [{ partitionIndex: 3, currentLeaderEpoch: -1, timestamp: -1n }],
        },
      ],
    });
  });

  it("ConsumerGroupHeartbeat v0", () => {
    const req = consumerGroupHeartbeatV0.createRequest(
      "g1",
      "m1",
      0,
      null,
      "az-1",
      30000,
      ["orders"],
      null,
      "uniform",
      [],
    );
    expect(decodeWithOurs(req, decodeConsumerGroupHeartbeatRequest, 0)).toMatchObject({
      groupId: "g1",
      memberId: "m1",
      memberEpoch: 0,
      instanceId: null,
      rackId: "az-1",
      rebalanceTimeoutMs: 30000,
      subscribedTopicNames: ["orders"],
      serverAssignor: "uniform",
      topicPartitions: [],
    });
  });
});

describe("flexible responses encoded by our codecs parse with @platformatic/kafka", () => {
  it("ApiVersions v3 (with tagged feature fields) and Metadata v12", () => {
    const versions = parseWithTheirs(
      encodeApiVersionsResponse,
      {
        ...defaultApiVersionsResponse(),
        apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }],
        supportedFeatures: [{ name: "f", minVersion: 1, maxVersion: 2 }],
        finalizedFeaturesEpoch: 3n,
      },
      18,
      3,
      apiVersionsV3.parseResponse,
    );
    expect(versions).toMatchObject({
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }],
    });
    const metadata = parseWithTheirs(
      encodeMetadataResponse,
      {
        ...defaultMetadataResponse(),
        brokers: [{ nodeId: 1, host: "127.0.0.1", port: 9092, rack: "az-1" }],
        clusterId: "c1",
        controllerId: 1,
        topics: [
          {
            errorCode: 0,
            name: "orders",
            topicId: TOPIC_ID,
            isInternal: false,
            partitions: [
              {
                errorCode: 0,
                partitionIndex: 0,
                leaderId: 1,
                leaderEpoch: 5,
                replicaNodes: [1],
                isrNodes: [1],
                offlineReplicas: [],
              },
            ],
            topicAuthorizedOperations: -2147483648,
          },
        ],
      },
      3,
      12,
      metadataV12.parseResponse,
    );
    expect(metadata).toMatchObject({
      brokers: [{ nodeId: 1, host: "127.0.0.1", port: 9092, rack: "az-1" }],
      clusterId: "c1",
      controllerId: 1,
      topics: [
        {
          name: "orders",
          topicId: TOPIC_ID,
          partitions: [{ partitionIndex: 0, leaderId: 1, leaderEpoch: 5, replicaNodes: [1] }],
        },
      ],
    });
  });

  it("Produce v11 and Fetch v17 (records from a platformatic batch)", () => {
    const produced = parseWithTheirs(
      encodeProduceResponse,
      {
        responses: [
          {
            name: "orders",
            partitionResponses: [
              {
                ...defaultProduceResponsePartitionProduceResponse(),
                index: 2,
                baseOffset: 41n,
                logStartOffset: 0n,
              },
            ],
          },
        ],
        throttleTimeMs: 0,
        nodeEndpoints: [],
      },
      0,
      11,
      produceV11.parseResponse,
    );
    expect(produced).toMatchObject({
      responses: [
        { name: "orders", partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 41n }] },
      ],
    });

    const request = decodeWithOurs(
      produceV11.createRequest(1, 0, [{ topic: "orders", value: Buffer.from("hello") }], {
        producerId: -1n,
        producerEpoch: -1,
        compression: "none",
      }),
      decodeProduceRequest,
      11,
    );
    const batch = request.topicData[0]!.partitionData[0]!.records!;
    const fetched = parseWithTheirs(
      encodeFetchResponse,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 0,
        responses: [
          {
            topic: "",
            topicId: TOPIC_ID,
            partitions: [
              {
                ...defaultFetchResponsePartitionData(),
                highWatermark: 1n,
                lastStableOffset: 1n,
                logStartOffset: 0n,
                records: batch,
              },
            ],
          },
        ],
        nodeEndpoints: [],
      },
      1,
      17,
      fetchV17.parseResponse,
    );
    const partition = fetched.responses[0]!.partitions[0]!;
    expect(fetched.responses[0]!.topicId).toBe(TOPIC_ID);
    expect(partition).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 1n });
    expect(partition.records?.[0]?.records[0]?.value).toEqual(Buffer.from("hello"));
  });

  it("JoinGroup v9, SyncGroup v5, FindCoordinator v6, OffsetFetch v9, ConsumerGroupHeartbeat v0", () => {
    const join = parseWithTheirs(
      encodeJoinGroupResponse,
      {
        ...defaultJoinGroupResponse(),
        generationId: 3,
        protocolType: "consumer",
        protocolName: "range",
        leader: "m1",
        memberId: "m1",
        members: [{ memberId: "m1", groupInstanceId: null, metadata: Buffer.from("md") }],
      },
      11,
      9,
      joinGroupV9.parseResponse,
    );
    expect(join).toMatchObject({
      generationId: 3,
      protocolName: "range",
      leader: "m1",
      members: [{ memberId: "m1", metadata: Buffer.from("md") }],
    });
    const sync = parseWithTheirs(
      encodeSyncGroupResponse,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        protocolType: "consumer",
        protocolName: "range",
        assignment: Buffer.from("as"),
      },
      14,
      5,
      syncGroupV5.parseResponse,
    );
    expect(sync).toMatchObject({
      protocolType: "consumer",
      protocolName: "range",
      assignment: Buffer.from("as"),
    });
    const coordinator = parseWithTheirs(
      encodeFindCoordinatorResponse,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        nodeId: 0,
        host: "",
        port: 0,
        coordinators: [
          { key: "g1", nodeId: 2, host: "10.0.0.2", port: 9093, errorCode: 0, errorMessage: null },
        ],
      },
      10,
      6,
      findCoordinatorV6.parseResponse,
    );
    expect(coordinator.coordinators).toEqual([
      { key: "g1", nodeId: 2, host: "10.0.0.2", port: 9093, errorCode: 0, errorMessage: null },
    ]);
    const offsets = parseWithTheirs(
      encodeOffsetFetchResponse,
      {
        throttleTimeMs: 0,
        topics: [],
        errorCode: 0,
        groups: [
          {
            groupId: "g1",
            topics: [
              {
                name: "orders",
                partitions: [
                  {
                    partitionIndex: 0,
                    committedOffset: 10n,
                    committedLeaderEpoch: 1,
                    metadata: null,
                    errorCode: 0,
                  },
                ],
              },
            ],
            errorCode: 0,
          },
        ],
      },
      9,
      9,
      offsetFetchV9.parseResponse,
    );
    expect(offsets.groups).toMatchObject([
      {
        groupId: "g1",
        topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 10n }] }],
      },
    ]);
    const heartbeat = parseWithTheirs(
      encodeConsumerGroupHeartbeatResponse,
      {
        ...defaultConsumerGroupHeartbeatResponse(),
        memberId: "m1",
        memberEpoch: 4,
        heartbeatIntervalMs: 5000,
        assignment: { topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 1] }] },
      },
      68,
      0,
      consumerGroupHeartbeatV0.parseResponse,
    );
    expect(heartbeat).toMatchObject({
      memberId: "m1",
      memberEpoch: 4,
      heartbeatIntervalMs: 5000,
      assignment: { topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 1] }] },
    });
  });
});
