/** Consumer lag of one partition: records between the committed offset and the high watermark. */
export function partitionLag(
  highWatermark: bigint | undefined,
  committedOffset: bigint,
): bigint | null {
  if (highWatermark === undefined) return null;
  const lag = highWatermark - committedOffset;
  return lag > 0n ? lag : 0n;
}
