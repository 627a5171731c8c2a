import {
  ApiKey,
  defaultApiVersionsResponse,
  type ApiVersionsRequest,
  type ApiVersionsResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { dispatchTable } from "./dispatch.ts";

/** The APIs and version ranges this agent serves (exactly the dispatch table). */
function supportedApis(): ApiVersionsResponse["apiKeys"] {
  return [...dispatchTable.values()]
    .map((api) => ({
      apiKey: api.apiKey,
      minVersion: api.advertisedMinVersion ?? api.minVersion,
      maxVersion: api.maxVersion,
    }))
    .sort((a, b) => a.apiKey - b.apiKey);
}

export const apiVersionsApi = defineApi<ApiVersionsRequest, ApiVersionsResponse>({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  async handle() {
    return { ...defaultApiVersionsResponse(), apiKeys: supportedApis() };
  },
  // The list goes with the error too: a client that asked too high a version retries with one listed.
  errorResponse(_request, errorCode) {
    return { ...defaultApiVersionsResponse(), errorCode, apiKeys: supportedApis() };
  },
});
