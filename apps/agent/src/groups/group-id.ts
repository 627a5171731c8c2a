/**
 * Group ids the agent refuses with INVALID_GROUP_ID: Kafka refuses only the empty one; one
 * holding NUL cannot be a Postgres text key, so it is refused too rather than failing the request
 * with a server error.
 */
export function isInvalidGroupId(groupId: string): boolean {
  return groupId === "" || groupId.includes("\0");
}
