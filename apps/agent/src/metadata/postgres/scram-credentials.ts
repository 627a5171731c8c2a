import { randomUUID } from "node:crypto";
import type pg from "pg";
import { fromStoredScramVerifiers, type ScramMechanism } from "@streambed/protocol";
import type {
  ScramChangeActor,
  ScramChangeOutcome,
  ScramCredentialChange,
  ScramCredentialInfo,
  ScramCredentialStore,
} from "../scram-credential-store.ts";
import { inTransaction } from "./transaction.ts";

const columns = { "SCRAM-SHA-256": "scram_sha256", "SCRAM-SHA-512": "scram_sha512" } as const;
const mechanisms = Object.keys(columns) as ScramMechanism[];

interface CredentialRow {
  id: string;
  cluster_id: string;
  usable: boolean;
  plain_hash: string;
  scram_sha256: unknown;
  scram_sha512: unknown;
}

const iterationsOf = (stored: unknown, mechanism: ScramMechanism) =>
  fromStoredScramVerifiers(stored, mechanism)?.iterations ?? null;

/**
 * SCRAM credentials changed through AlterUserScramCredentials, in the table the console writes.
 * A credential created this way has no PLAIN password (plain_hash ''); it is deleted once its
 * last SCRAM mechanism is, while a console credential keeps its PLAIN password until revoked.
 */
export class PostgresScramCredentialStore implements ScramCredentialStore {
  constructor(private readonly pool: pg.Pool) {}

  async describe(clusterId: string): Promise<ScramCredentialInfo[]> {
    const { rows } = await this.pool.query<
      Omit<CredentialRow, "id" | "cluster_id" | "usable" | "plain_hash"> & { username: string }
    >(
      `SELECT username, scram_sha256, scram_sha512 FROM kafka_credentials
        WHERE cluster_id = $1 AND NOT internal AND revoked_at IS NULL ORDER BY username`,
      [clusterId],
    );
    return rows
      .map((r) => ({
        username: r.username,
        mechanisms: mechanisms.flatMap((mechanism) => {
          const iterations = iterationsOf(r[columns[mechanism]], mechanism);
          return iterations === null ? [] : [{ mechanism, iterations }];
        }),
      }))
      .filter((c) => c.mechanisms.length > 0);
  }

  async alter(
    clusterId: string,
    username: string,
    change: ScramCredentialChange,
    actor: ScramChangeActor,
  ): Promise<ScramChangeOutcome> {
    return inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<CredentialRow>(
        `SELECT id, cluster_id, NOT internal AND revoked_at IS NULL AS usable, plain_hash,
                scram_sha256, scram_sha512
           FROM kafka_credentials WHERE username = $1 FOR UPDATE`,
        [username],
      );
      const row = rows[0];
      if (row && (row.cluster_id !== clusterId || !row.usable))
        return change.kind === "upsert" ? "taken" : "not-found";
      const column = columns[change.mechanism];
      if (change.kind === "delete") {
        if (!row || iterationsOf(row[column], change.mechanism) === null) return "not-found";
        const remaining = mechanisms.filter(
          (m) => m !== change.mechanism && iterationsOf(row[columns[m]], m) !== null,
        );
        if (remaining.length === 0 && row.plain_hash === "") {
          await tx.query("DELETE FROM kafka_credentials WHERE id = $1", [row.id]);
          await audit(tx, clusterId, "kafka_credential.deleted", row.id, username, change, actor);
        } else {
          await tx.query(`UPDATE kafka_credentials SET ${column} = 'null'::jsonb WHERE id = $1`, [
            row.id,
          ]);
          await audit(
            tx,
            clusterId,
            "kafka_credential.scram_changed",
            row.id,
            username,
            change,
            actor,
          );
        }
        return "applied";
      }
      const verifiers = JSON.stringify(change.verifiers);
      if (row) {
        await tx.query(`UPDATE kafka_credentials SET ${column} = $2::jsonb WHERE id = $1`, [
          row.id,
          verifiers,
        ]);
        await audit(
          tx,
          clusterId,
          "kafka_credential.scram_changed",
          row.id,
          username,
          change,
          actor,
        );
        return "applied";
      }
      const id = randomUUID();
      const inserted = await tx.query(
        `INSERT INTO kafka_credentials (id, cluster_id, username, scram_sha256, scram_sha512, plain_hash, description)
         SELECT $1, $2, $3, $4::jsonb, $5::jsonb, '', 'Created with AlterUserScramCredentials'
           FROM virtual_clusters WHERE id = $2 AND deleted_at IS NULL
         ON CONFLICT (username) DO NOTHING`,
        [
          id,
          clusterId,
          username,
          change.mechanism === "SCRAM-SHA-256" ? verifiers : "null",
          change.mechanism === "SCRAM-SHA-512" ? verifiers : "null",
        ],
      );
      if (inserted.rowCount === 0) return "taken";
      await audit(tx, clusterId, "kafka_credential.created", id, username, change, actor);
      return "applied";
    });
  }
}

/** An audit_logs entry like the console's, with the Kafka principal and address as the actor. */
async function audit(
  tx: pg.ClientBase,
  clusterId: string,
  action: string,
  credentialId: string,
  username: string,
  change: ScramCredentialChange,
  actor: ScramChangeActor,
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_logs (id, organization_id, action, target_type, target_id, metadata, ip)
     SELECT $1, organization_id, $3, 'kafka_credential', $4, $5::jsonb, $6
       FROM virtual_clusters WHERE id = $2`,
    [
      randomUUID(),
      clusterId,
      action,
      credentialId,
      JSON.stringify({
        clusterId,
        username,
        mechanism: change.mechanism,
        via: "AlterUserScramCredentials",
        principal: actor.principal,
      }),
      actor.remoteAddress.replace(/:\d+$/, ""),
    ],
  );
}
