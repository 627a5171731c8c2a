import { decodeConsumerProtocolAssignment } from "@streambed/protocol/generated/consumer-protocol-assignment";
import { Reader } from "@streambed/protocol/primitives/reader";

export interface AssignedPartitions {
  topic: string;
  partitions: number[];
}

/**
 * The partitions a classic-protocol consumer was given, from the assignment bytes the agent
 * stores (base64 of a versioned ConsumerProtocolAssignment). Other protocols (connect, custom
 * assignors) or malformed bytes yield an empty list rather than an error.
 */
export function decodeMemberAssignment(stored: unknown): AssignedPartitions[] {
  if (typeof stored !== "string" || stored === "") return [];
  try {
    const reader = new Reader(Buffer.from(stored, "base64"));
    const version = reader.int16();
    return decodeConsumerProtocolAssignment(reader, version).assignedPartitions.map((a) => ({
      topic: a.topic,
      partitions: [...a.partitions].sort((x, y) => x - y),
    }));
  } catch {
    return [];
  }
}
