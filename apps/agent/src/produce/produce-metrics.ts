/** The instruments the produce path reports to; prom-client's Counter and Histogram fit. */
export interface ProduceMetrics {
  /** Bytes of record batches per flushed object. */
  flushBytes: { observe(value: number): void };
  /** Seconds from sealing a flush to answering its producers (PUT + commit). */
  flushSeconds: { observe(value: number): void };
  /** Seconds of the metadata commit of a flush. */
  commitSeconds: { observe(value: number): void };
  /**
   * Seconds each committed append spent in each stage: `buffer_wait` (appended until its flush
   * starts: the batch timeout, or a wait for a flush slot), `object_write` (the PUT),
   * `commit_wait` (PUT done until its commit starts: queued behind the cluster's previous commit),
   * `commit` (the metadata transaction).
   */
  stageSeconds: { observe(labels: { stage: ProduceStage }, value: number): void };
  /** Flushes that failed (PUT or commit). */
  flushFailures: { inc(value?: number): void };
}

export type ProduceStage = "buffer_wait" | "object_write" | "commit_wait" | "commit";
