import { apiVersionsApi } from "../apis/api-versions.ts";
import { createTopicsApi } from "../apis/create-topics.ts";
import { fetchApi } from "../apis/fetch.ts";
import { listOffsetsApi } from "../apis/list-offsets.ts";
import { metadataApi } from "../apis/metadata.ts";
import { produceApi } from "../apis/produce.ts";
import type { ApiHandler } from "./api-handler.ts";

export type DispatchTable = ReadonlyMap<number, ApiHandler>;

/** Every Kafka API the agent serves, by API key. ApiVersions advertises exactly these. */
export const dispatchTable: DispatchTable = new Map(
  [produceApi, fetchApi, listOffsetsApi, metadataApi, apiVersionsApi, createTopicsApi].map((api) => [api.apiKey, api]),
);
