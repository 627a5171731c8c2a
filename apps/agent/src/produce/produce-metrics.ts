/** The instruments the produce path reports to; prom-client's Counter and Histogram fit. */
export interface ProduceMetrics {
  /** Bytes of record batches per flushed object. */
  flushBytes: { observe(value: number): void };
  /** Seconds from sealing a flush to answering its producers (PUT + commit). */
  flushSeconds: { observe(value: number): void };
  /** Seconds of the metadata commit of a flush. */
  commitSeconds: { observe(value: number): void };
  /** Flushes that failed (PUT or commit). */
  flushFailures: { inc(value?: number): void };
}
