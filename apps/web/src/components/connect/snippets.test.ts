import { describe, expect, it } from "vitest";
import { connectSnippets } from "./snippets.ts";

describe("connectSnippets", () => {
  it("offers every client with the bootstrap address and username filled in", () => {
    const snippets = connectSnippets({
      bootstrap: "127.0.0.1:9092,127.0.0.1:9093",
      username: "sb-abc",
    });
    expect(snippets.map((s) => s.id)).toEqual([
      "kcat",
      "kafkajs",
      "python",
      "librdkafka",
      "java",
      "franz-go",
    ]);
    for (const s of snippets) {
      expect(s.code, s.id).toContain("sb-abc");
      expect(s.code, s.id).toMatch(/127\.0\.0\.1:9092/);
      expect(s.code, s.id).toContain("<password>");
    }
    expect(snippets.find((s) => s.id === "kafkajs")!.code).toContain(
      '["127.0.0.1:9092","127.0.0.1:9093"]',
    );
    expect(snippets.find((s) => s.id === "franz-go")!.code).toContain(
      'kgo.SeedBrokers("127.0.0.1:9092", "127.0.0.1:9093")',
    );
    expect(snippets.find((s) => s.id === "java")!.code).toContain(
      'ScramLoginModule required username="sb-abc" password="<password>";',
    );
  });
});
