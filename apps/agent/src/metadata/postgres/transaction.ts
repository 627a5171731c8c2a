import type pg from "pg";

export interface TransactionLimits {
  /** Give up waiting for a row lock after this long (lock_timeout). */
  lockTimeoutMs?: number;
  /**
   * Postgres ends the session if the transaction sits idle this long
   * (idle_in_transaction_session_timeout): a stalled agent cannot hold partition locks forever.
   */
  idleTimeoutMs?: number;
}

/** Runs `work` in a transaction on one pooled connection; rolls back on error. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (tx: pg.PoolClient) => Promise<T>,
  limits: TransactionLimits = {},
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client's connection errors (e.g. Postgres ending the session) would otherwise
  // be unhandled 'error' events; the failing query reports them to the caller anyway.
  const onError = (): void => {
    broken = true;
  };
  client.on("error", onError);
  try {
    await client.query(beginStatement(limits));
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => (broken = true));
    throw error;
  } finally {
    if (broken) {
      client.on("error", () => undefined);
    }
    client.removeListener("error", onError);
    // A connection that broke or cannot even roll back must not go back to the pool.
    client.release(broken);
  }
}

function beginStatement({ lockTimeoutMs, idleTimeoutMs }: TransactionLimits): string {
  const statements = ["BEGIN"];
  // Integers only (checked), so inlining them is safe; SET takes no bind parameters.
  if (lockTimeoutMs !== undefined)
    statements.push(`SET LOCAL lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
  if (idleTimeoutMs !== undefined) {
    statements.push(`SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(idleTimeoutMs)}`);
  }
  return statements.join("; ");
}
