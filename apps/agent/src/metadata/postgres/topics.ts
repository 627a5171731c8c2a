import type pg from "pg";
import {
  InvalidPartitionCountError,
  type TopicConfigs,
  TopicExistsError,
  type TopicInfo,
  UnknownTopicError,
} from "../metadata-store.ts";
import { type Queryable, type TopicRow, toTopic } from "./rows.ts";
import { inTransaction } from "./transaction.ts";

export async function createTopic(
  db: Queryable,
  clusterId: string,
  name: string,
  partitionCount: number,
  configs: TopicConfigs,
): Promise<TopicInfo> {
  // One statement: the topic and all its partitions appear together or not at all.
  const { rows } = await db.query<TopicRow>(
    `WITH topic AS (
       INSERT INTO topics (cluster_id, name, partition_count, configs) VALUES ($1, $2, $3, $4)
       ON CONFLICT (cluster_id, name) DO NOTHING RETURNING *
     ), parts AS (
       INSERT INTO partitions (topic_id, partition, cluster_id)
       SELECT topic.id, p, topic.cluster_id FROM topic, generate_series(0, $3 - 1) AS p
     )
     SELECT * FROM topic`,
    [clusterId, name, partitionCount, JSON.stringify(configs)],
  );
  if (!rows[0]) throw new TopicExistsError(name);
  return toTopic(rows[0]);
}

export async function deleteTopic(
  db: Queryable,
  clusterId: string,
  topicId: string,
): Promise<boolean> {
  // Partitions go with it (foreign key cascade), and their index rows (trigger on partitions).
  const result = await db.query("DELETE FROM topics WHERE cluster_id = $1 AND id = $2", [
    clusterId,
    topicId,
  ]);
  return result.rowCount === 1;
}

export async function listTopics(db: Queryable, clusterId: string): Promise<TopicInfo[]> {
  const { rows } = await db.query<TopicRow>(
    "SELECT * FROM topics WHERE cluster_id = $1 ORDER BY name",
    [clusterId],
  );
  return rows.map(toTopic);
}

export async function getTopicByName(
  db: Queryable,
  clusterId: string,
  name: string,
): Promise<TopicInfo | undefined> {
  // No legal topic name holds NUL, and Postgres text cannot: such a topic does not exist.
  if (name.includes("\0")) return undefined;
  const { rows } = await db.query<TopicRow>(
    "SELECT * FROM topics WHERE cluster_id = $1 AND name = $2",
    [clusterId, name],
  );
  return rows[0] && toTopic(rows[0]);
}

export async function getTopicById(
  db: Queryable,
  clusterId: string,
  topicId: string,
): Promise<TopicInfo | undefined> {
  if (!isUuid(topicId)) return undefined;
  const { rows } = await db.query<TopicRow>(
    "SELECT * FROM topics WHERE cluster_id = $1 AND id = $2",
    [clusterId, topicId],
  );
  return rows[0] && toTopic(rows[0]);
}

export async function addPartitions(
  pool: pg.Pool,
  clusterId: string,
  topicId: string,
  newCount: number,
): Promise<void> {
  await inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ partition_count: number }>(
      "SELECT partition_count FROM topics WHERE cluster_id = $1 AND id = $2 FOR UPDATE",
      [clusterId, topicId],
    );
    const current = rows[0]?.partition_count;
    if (current === undefined) throw new UnknownTopicError(topicId);
    if (newCount <= current) throw new InvalidPartitionCountError(current, newCount);
    await tx.query("UPDATE topics SET partition_count = $3 WHERE cluster_id = $1 AND id = $2", [
      clusterId,
      topicId,
      newCount,
    ]);
    await tx.query(
      `INSERT INTO partitions (topic_id, partition, cluster_id)
       SELECT $2, p, $1 FROM generate_series($3::int, $4::int - 1) AS p`,
      [clusterId, topicId, current, newCount],
    );
  });
}

export async function updateTopicConfigs(
  db: Queryable,
  clusterId: string,
  topicId: string,
  changes: Record<string, string | null>,
): Promise<TopicConfigs> {
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== null));
  const removed = Object.entries(changes)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  const { rows } = await db.query<{ configs: TopicConfigs }>(
    `UPDATE topics SET configs = (configs || $3::jsonb) - $4::text[] WHERE cluster_id = $1 AND id = $2 RETURNING configs`,
    [clusterId, topicId, JSON.stringify(set), removed],
  );
  if (!rows[0]) throw new UnknownTopicError(topicId);
  return rows[0].configs;
}

export async function replaceTopicConfigs(
  db: Queryable,
  clusterId: string,
  topicId: string,
  configs: TopicConfigs,
): Promise<void> {
  const result = await db.query(
    "UPDATE topics SET configs = $3::jsonb WHERE cluster_id = $1 AND id = $2",
    [clusterId, topicId, JSON.stringify(configs)],
  );
  if (result.rowCount !== 1) throw new UnknownTopicError(topicId);
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
