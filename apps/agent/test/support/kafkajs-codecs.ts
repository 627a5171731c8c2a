import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { compress, decompress, type CompressionType } from "@streambed/protocol";

/** KafkaJS ships gzip only; the others are plugged in from the protocol package's codecs. */
export function registerKafkajsCodecs(): void {
  const codecs: [number, CompressionType][] = [
    [CompressionTypes.Snappy, "snappy"],
    [CompressionTypes.LZ4, "lz4"],
    [CompressionTypes.ZSTD, "zstd"],
  ];
  for (const [id, type] of codecs) {
    (CompressionCodecs as Record<number, () => unknown>)[id] = () => ({
      compress: async (encoder: { buffer: Buffer }) => compress(type, encoder.buffer),
      decompress: async (buffer: Buffer) => decompress(type, buffer),
    });
  }
}
