import { describe, expect, it } from "vitest";
import { ErrorCode, KAFKA_ERRORS, errorInfo, isRetriable } from "./error-codes.ts";
import { KafkaError } from "./kafka-error.ts";

describe("Kafka error table", () => {
  it("covers every code from -1 to 129 once, with unique names", () => {
    expect(KAFKA_ERRORS.map((e) => e.code)).toEqual(Array.from({ length: 131 }, (_, i) => i - 1));
    expect(new Set(KAFKA_ERRORS.map((e) => e.name)).size).toBe(KAFKA_ERRORS.length);
    for (const e of KAFKA_ERRORS) expect(e.name).toMatch(/^[A-Z_]+$/);
  });

  it("maps names to codes and knows which errors are retriable", () => {
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3);
    expect(ErrorCode.NOT_COORDINATOR).toBe(16);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120);
    expect(isRetriable(ErrorCode.NOT_LEADER_OR_FOLLOWER)).toBe(true);
    expect(isRetriable(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)).toBe(true);
    expect(isRetriable(ErrorCode.TOPIC_AUTHORIZATION_FAILED)).toBe(false);
    expect(isRetriable(ErrorCode.NONE)).toBe(false);
    expect(isRetriable(9999)).toBe(false);
    expect(errorInfo(9999)).toMatchObject({
      code: 9999,
      name: "UNKNOWN_ERROR_CODE_9999",
      retriable: false,
    });
  });

  it("KafkaError carries the code, name, retriability and default message", () => {
    const e = new KafkaError(ErrorCode.NOT_COORDINATOR);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({
      code: 16,
      errorName: "NOT_COORDINATOR",
      retriable: true,
      message: "This is not the correct coordinator.",
    });
    const custom = new KafkaError(ErrorCode.INVALID_PARTITIONS, "need at least 1 partition", {
      cause: "x",
    });
    expect(custom.message).toBe("need at least 1 partition");
    expect(custom.cause).toBe("x");
  });
});
