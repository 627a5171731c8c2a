import type { Anomalies, CheckReport } from "./check-history.ts";

const SHOWN_PER_KIND = 5;

const labels: Record<keyof Anomalies, string> = {
  lost: "acknowledged records lost",
  duplicated: "records duplicated",
  misplaced: "records read away from their acknowledged offset",
  divergent: "offsets read with different records",
  gaps: "offset gaps",
  reordered: "reads out of offset order",
  phantom: "records read but never sent",
  producerOrder: "records out of their producer's order",
  committedRegression: "committed group offsets going backwards",
};

/** The report for a person: a verdict, the figures, and the first few anomalies of each kind. */
export function summarizeReport(report: CheckReport): string {
  const c = report.counts;
  const lines = [
    `history ${report.valid ? "VALID" : "INVALID"}: ${c.acknowledged} acknowledged, ${c.lost} lost, ${c.duplicated} duplicated`,
    `  sent ${c.sent}, failed ${c.failed} (${c.failedButWritten} of them written anyway), ` +
      `reads ${c.reads} (${c.distinctRead} distinct records)`,
  ];
  for (const kind of Object.keys(labels) as (keyof Anomalies)[]) {
    const found = report.anomalies[kind];
    if (found.length === 0) continue;
    lines.push(`  ${found.length} ${labels[kind]}:`);
    for (const a of found.slice(0, SHOWN_PER_KIND)) lines.push(`    ${JSON.stringify(a)}`);
    if (found.length > SHOWN_PER_KIND) lines.push(`    … ${found.length - SHOWN_PER_KIND} more`);
  }
  return lines.join("\n");
}
