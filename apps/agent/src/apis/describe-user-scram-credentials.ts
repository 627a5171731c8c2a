import {
  ApiKey,
  ErrorCode,
  defaultDescribeUserScramCredentialsResponse,
  type DescribeUserScramCredentialsRequest,
  type DescribeUserScramCredentialsResponse,
} from "@streambed/protocol";
import { wireMechanism } from "../auth/scram-credential-requests.ts";
import { allowedOnCluster } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";

/**
 * The SCRAM mechanisms and iteration counts of the cluster's credentials (all of them when no
 * user is named), never the console's internal credentials.
 */
export const describeUserScramCredentialsApi = defineApi<
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse
>({
  apiKey: ApiKey.DescribeUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    if (!(await allowedOnCluster(ctx, "DESCRIBE")))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    const credentials = await ctx.services.scramCredentials.describe(ctx.connection.clusterId);
    const byName = new Map(credentials.map((c) => [c.username, c]));
    const described = (name: string) => {
      const credential = byName.get(name)!;
      return {
        user: name,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        credentialInfos: credential.mechanisms.map((m) => ({
          mechanism: wireMechanism(m.mechanism),
          iterations: m.iterations,
        })),
      };
    };
    const named = request.users?.map((u) => u.name) ?? [];
    if (named.length === 0)
      return {
        ...defaultDescribeUserScramCredentialsResponse(),
        errorMessage: null,
        results: credentials.map((c) => described(c.username)),
      };
    const counts = new Map<string, number>();
    for (const name of named) counts.set(name, (counts.get(name) ?? 0) + 1);
    return {
      ...defaultDescribeUserScramCredentialsResponse(),
      errorMessage: null,
      results: [...counts].map(([name, count]) => {
        if (count > 1)
          return {
            user: name,
            errorCode: ErrorCode.DUPLICATE_RESOURCE,
            errorMessage:
              "Cannot describe SCRAM credentials for the same user twice in a single request",
            credentialInfos: [],
          };
        if (!byName.has(name))
          return {
            user: name,
            errorCode: ErrorCode.RESOURCE_NOT_FOUND,
            errorMessage: "Attempt to describe a user credential that does not exist",
            credentialInfos: [],
          };
        return described(name);
      }),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultDescribeUserScramCredentialsResponse(), errorCode, errorMessage: null };
  },
});
