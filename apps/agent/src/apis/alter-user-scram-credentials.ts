import {
  ApiKey,
  ErrorCode,
  defaultAlterUserScramCredentialsResponse,
  type AlterUserScramCredentialsRequest,
  type AlterUserScramCredentialsResponse,
} from "@streambed/protocol";
import { checkScramAlterations } from "../auth/scram-credential-requests.ts";
import { allowedOnCluster } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";

const outcomeErrors = {
  applied: { errorCode: ErrorCode.NONE, errorMessage: null },
  "not-found": {
    errorCode: ErrorCode.RESOURCE_NOT_FOUND,
    errorMessage: "Attempt to delete a user credential that does not exist",
  },
  taken: {
    errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL,
    errorMessage: "This username is not available in this cluster",
  },
} as const;

/**
 * Creates, updates and deletes the SCRAM mechanisms of the cluster's credentials (KIP-554), each
 * user on its own as Kafka does; the audit log records every change like a console change.
 */
export const alterUserScramCredentialsApi = defineApi<
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse
>({
  apiKey: ApiKey.AlterUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    if (!(await allowedOnCluster(ctx, "ALTER")))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    const { clusterId, sasl, remoteAddress } = ctx.connection;
    const actor = { principal: sasl.principal?.username ?? null, remoteAddress };
    const results = await Promise.all(
      checkScramAlterations(request).map(async (checked) => {
        if (!("change" in checked))
          return {
            user: checked.user,
            errorCode: checked.errorCode,
            errorMessage: checked.errorMessage,
          };
        const outcome = await ctx.services.scramCredentials.alter(
          clusterId,
          checked.user,
          checked.change,
          actor,
        );
        if (outcome === "applied") ctx.services.credentials.forget(checked.user);
        return { user: checked.user, ...outcomeErrors[outcome] };
      }),
    );
    return { ...defaultAlterUserScramCredentialsResponse(), results };
  },
  errorResponse(request, errorCode) {
    const users = new Set([...request.deletions, ...request.upsertions].map((op) => op.name));
    return {
      ...defaultAlterUserScramCredentialsResponse(),
      results: [...users].map((user) => ({ user, errorCode, errorMessage: null })),
    };
  },
});
