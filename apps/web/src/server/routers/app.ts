import { router } from "../trpc.ts";
import { aclsRouter } from "./acls.ts";
import { apiKeysRouter } from "./api-keys.ts";
import { auditRouter } from "./audit.ts";
import { billingRouter } from "./billing.ts";
import { clustersRouter } from "./clusters.ts";
import { credentialsRouter } from "./credentials.ts";
import { groupsRouter } from "./groups.ts";
import { membersRouter } from "./members.ts";
import { metricsRouter } from "./metrics.ts";
import { messagesRouter } from "./messages.ts";
import { organizationsRouter } from "./organizations.ts";
import { quotasRouter } from "./quotas.ts";
import { topicsRouter } from "./topics.ts";
import { usageRouter } from "./usage.ts";

export const appRouter = router({
  organizations: organizationsRouter,
  members: membersRouter,
  clusters: clustersRouter,
  credentials: credentialsRouter,
  acls: aclsRouter,
  topics: topicsRouter,
  messages: messagesRouter,
  groups: groupsRouter,
  audit: auditRouter,
  apiKeys: apiKeysRouter,
  usage: usageRouter,
  billing: billingRouter,
  metrics: metricsRouter,
  quotas: quotasRouter,
});

export type AppRouter = typeof appRouter;
