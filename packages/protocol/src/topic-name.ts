/**
 * Kafka's rule for topic names (kafka.common.internals.Topic), for the agent and the console
 * alike. Each says the problem in its own words; this module has no dependencies, so a browser
 * bundle can import it alone (`@streambed/protocol/topic-name`).
 */
export const MAX_TOPIC_NAME_LENGTH = 249;

export type TopicNameProblem = "empty" | "dots" | "too-long" | "characters";

/** What is wrong with the name, or null when Kafka accepts it. */
export function topicNameProblem(name: string): TopicNameProblem | null {
  if (name === "") return "empty";
  if (name === "." || name === "..") return "dots";
  if (name.length > MAX_TOPIC_NAME_LENGTH) return "too-long";
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return "characters";
  return null;
}
