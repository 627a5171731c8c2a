import { ErrorCode } from "@streambed/protocol";
import type { TransactionErrorCode } from "../metadata/transaction-store.ts";

/**
 * The wire code of a transaction error for a request of `apiVersion`: PRODUCER_FENCED exists from
 * `fencedFrom` (KIP-588); older clients know a fenced producer as INVALID_PRODUCER_EPOCH.
 */
export function transactionErrorCode(
  errorCode: TransactionErrorCode | null,
  apiVersion: number,
  fencedFrom: number,
): number {
  if (errorCode === null) return ErrorCode.NONE;
  if (errorCode === "PRODUCER_FENCED" && apiVersion < fencedFrom)
    return ErrorCode.INVALID_PRODUCER_EPOCH;
  return ErrorCode[errorCode];
}
