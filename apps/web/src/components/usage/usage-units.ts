import { formatBytes, formatCount } from "@/lib/format";
import { usageDimensionInfo, type UsageDimension, type UsageUnit } from "@/server/usage/dimensions";

/** A quantity for people: bytes as KiB…TiB, byte-hours as GiB-hours and so on, minutes, counts. */
export function formatUsage(dimension: UsageDimension, quantity: bigint): string {
  switch (usageDimensionInfo[dimension].unit) {
    case "bytes":
      return formatBytes(quantity);
    case "byte_hours":
      return `${formatBytes(quantity)}-hours`;
    case "minutes":
      return `${formatCount(quantity)} min`;
    case "count":
      return formatCount(quantity);
  }
}

/** The exact quantity with its base unit, as the table and the CSV show it. */
export function formatExactUsage(dimension: UsageDimension, quantity: bigint): string {
  return `${formatCount(quantity)} ${exactUnitLabels[usageDimensionInfo[dimension].unit]}`;
}

const exactUnitLabels: Record<UsageUnit, string> = {
  bytes: "bytes",
  byte_hours: "byte-hours",
  minutes: "minutes",
  count: "requests",
};

const binaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** The unit a chart's axis uses so its largest bar reads naturally (e.g. 3.2 with "GiB"). */
export function chartScale(
  dimension: UsageDimension,
  max: number,
): { divisor: number; unit: string } {
  const unit = usageDimensionInfo[dimension].unit;
  if (unit === "minutes") return { divisor: 1, unit: "min" };
  if (unit === "count") return { divisor: 1, unit: "requests" };
  let step = 0;
  while (max >= 1024 ** (step + 1) && step < binaryUnits.length - 1) step++;
  const suffix = unit === "byte_hours" ? "-hours" : "";
  return { divisor: 1024 ** step, unit: `${binaryUnits[step]}${suffix}` };
}
