import type pg from "pg";

type Queryable = Pick<pg.Pool, "query">;

/** Kafka bumps to a new producer id rather than let the epoch reach Short.MAX_VALUE. */
const maxEpoch = 32766;

export interface InitProducerIdRequest {
  transactionalId: string | null;
  /** -1 unless the client asks to bump the epoch of an id it holds (KIP-360). */
  producerId: bigint;
  producerEpoch: number;
}

export type InitProducerIdResult =
  | { ok: true; producerId: bigint; producerEpoch: number }
  | { ok: false; errorCode: "PRODUCER_FENCED" };

/** InitProducerId's domain side, bound to the metadata store's pool. */
export class ProducerIdAllocator {
  constructor(private readonly db: Queryable) {}

  init(clusterId: string, req: InitProducerIdRequest): Promise<InitProducerIdResult> {
    return initProducerId(this.db, clusterId, req);
  }
}

/**
 * Hands out producer ids from the cluster-wide producer_ids sequence, so ids are unique across
 * agents. An idempotent producer gets a fresh id with epoch 0 on every call (as in Kafka); a
 * transactional id keeps its producer id and gets the next epoch, fencing older instances.
 */
export async function initProducerId(
  db: Queryable,
  clusterId: string,
  req: InitProducerIdRequest,
): Promise<InitProducerIdResult> {
  if (req.transactionalId === null) {
    const { rows } = await db.query<{ producer_id: bigint }>(
      "INSERT INTO producer_ids (cluster_id) VALUES ($1) RETURNING producer_id",
      [clusterId],
    );
    return { ok: true, producerId: BigInt(rows[0]!.producer_id), producerEpoch: 0 };
  }
  // The caller holding (producerId, epoch) may bump; a caller with another epoch is fenced.
  const { rows } = await db.query<{ producer_id: bigint; epoch: number; fenced: boolean }>(
    `WITH prev AS (
       SELECT producer_id, epoch FROM producer_ids WHERE cluster_id = $1 AND transactional_id = $2 FOR UPDATE
     ), bumped AS (
       UPDATE producer_ids p SET epoch = CASE WHEN p.epoch >= $5 THEN p.epoch ELSE p.epoch + 1 END, updated_at = now()
         FROM prev WHERE p.producer_id = prev.producer_id AND ($3::bigint < 0 OR ($3 = prev.producer_id AND $4 = prev.epoch))
         RETURNING p.producer_id, p.epoch
     ), created AS (
       INSERT INTO producer_ids (cluster_id, transactional_id) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM prev)
         RETURNING producer_id, epoch
     )
     SELECT producer_id, epoch, false AS fenced FROM bumped
     UNION ALL SELECT producer_id, epoch, false FROM created
     UNION ALL SELECT producer_id, epoch, true FROM prev WHERE NOT EXISTS (SELECT 1 FROM bumped)`,
    [clusterId, req.transactionalId, req.producerId.toString(), req.producerEpoch, maxEpoch],
  );
  const row = rows[0]!;
  if (row.fenced) return { ok: false, errorCode: "PRODUCER_FENCED" };
  if (row.epoch >= maxEpoch) {
    // Epochs exhausted: the transactional id moves to a new producer id.
    await db.query("DELETE FROM producer_ids WHERE producer_id = $1", [row.producer_id.toString()]);
    const { rows: fresh } = await db.query<{ producer_id: bigint }>(
      "INSERT INTO producer_ids (cluster_id, transactional_id) VALUES ($1, $2) RETURNING producer_id",
      [clusterId, req.transactionalId],
    );
    return { ok: true, producerId: BigInt(fresh[0]!.producer_id), producerEpoch: 0 };
  }
  return { ok: true, producerId: BigInt(row.producer_id), producerEpoch: row.epoch };
}
