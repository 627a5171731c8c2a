export * from "./history.ts";
export * from "./check-history.ts";
export * from "./summary.ts";
