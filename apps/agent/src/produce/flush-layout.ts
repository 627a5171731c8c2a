import type { FlushEntry } from "../metadata/metadata-store.ts";
import { encodeFlushObject, type FlushSectionInput } from "./flush-object.ts";
import type { ProduceEntry } from "./produce-buffer.ts";

/** Where one append's entry ended up in a flush object. */
export interface EntryPosition {
  appendIndex: number;
  entryIndex: number;
  section: number;
  /** Byte offset of the entry inside its section. */
  offsetInSection: number;
  entry: ProduceEntry;
}

export interface FlushLayout {
  /** The object's bytes, in order. */
  parts: Buffer[];
  size: number;
  /** Entries in object order, as the metadata commit takes them. */
  entries: FlushEntry[];
  /** For each of `entries`, the append (and entry within it) it came from. */
  positions: EntryPosition[];
}

/** Lays out the appends of one flush as a flush object (see flush-object.ts). */
export function layOutFlush(appends: readonly { entries: readonly ProduceEntry[] }[]): FlushLayout {
  const { sectionInputs, entryOrder } = groupByPartition(appends);
  const object = encodeFlushObject(sectionInputs);
  return {
    parts: object.parts,
    size: object.size,
    entries: flushEntriesOf(object.sections, entryOrder),
    positions: entryOrder,
  };
}

/** Sections sorted by (topicId, partition), entries in arrival order; plus each entry's place. */
function groupByPartition(appends: readonly { entries: readonly ProduceEntry[] }[]): {
  sectionInputs: FlushSectionInput[];
  entryOrder: EntryPosition[];
} {
  const byPartition = new Map<
    string,
    { topicId: string; partition: number; positions: EntryPosition[] }
  >();
  appends.forEach((append, appendIndex) => {
    append.entries.forEach((entry, entryIndex) => {
      const id = `${entry.topicId}:${entry.partition}`;
      let group = byPartition.get(id);
      if (!group) {
        group = { topicId: entry.topicId, partition: entry.partition, positions: [] };
        byPartition.set(id, group);
      }
      group.positions.push({ appendIndex, entryIndex, section: 0, offsetInSection: 0, entry });
    });
  });
  const groups = [...byPartition.values()].sort((a, b) =>
    a.topicId < b.topicId ? -1 : a.topicId > b.topicId ? 1 : a.partition - b.partition,
  );
  const sectionInputs: FlushSectionInput[] = [];
  const entryOrder: EntryPosition[] = [];
  groups.forEach((group, section) => {
    let offsetInSection = 0;
    let recordCount = 0;
    let maxTimestamp = -1n;
    for (const position of group.positions) {
      position.section = section;
      position.offsetInSection = offsetInSection;
      offsetInSection += position.entry.batches.length;
      recordCount += position.entry.recordCount;
      if (position.entry.maxTimestamp > maxTimestamp) maxTimestamp = position.entry.maxTimestamp;
      entryOrder.push(position);
    }
    sectionInputs.push({
      topicId: group.topicId,
      partition: group.partition,
      chunks: group.positions.map((p) => p.entry.batches),
      recordCount,
      maxTimestamp,
    });
  });
  return { sectionInputs, entryOrder };
}

function flushEntriesOf(
  sections: readonly { byteOffset: number }[],
  entryOrder: readonly EntryPosition[],
): FlushEntry[] {
  return entryOrder.map(({ entry, section, offsetInSection }) => ({
    topicId: entry.topicId,
    partition: entry.partition,
    byteOffset: sections[section]!.byteOffset + offsetInSection,
    byteLength: entry.batches.length,
    recordCount: entry.recordCount,
    maxTimestamp: entry.maxTimestamp,
    ...(entry.producer ? { producer: entry.producer } : {}),
  }));
}
