import { ErrorCode } from "@streambed/protocol";
import type { ConsumerGroupError } from "./consumer-protocol/consumer-group-types.ts";
import type { GroupError } from "./group-types.ts";
import type { RequestContext } from "../server/api-handler.ts";

/** The wire code of a group outcome (0 for success). */
export function groupErrorCode(error: GroupError | ConsumerGroupError | null): number {
  return error === null ? ErrorCode.NONE : ErrorCode[error];
}

/** The client host as Kafka shows it in DescribeGroups ("/127.0.0.1"). */
export function clientHost(ctx: RequestContext): string {
  const address = ctx.connection.remoteAddress;
  const at = address.lastIndexOf(":");
  return `/${at > 0 ? address.slice(0, at) : address}`;
}
