import {
  ApiKey,
  ErrorCode,
  defaultSaslAuthenticateResponse,
  type SaslAuthenticateRequest,
  type SaslAuthenticateResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";

export const saslAuthenticateApi = defineApi<SaslAuthenticateRequest, SaslAuthenticateResponse>({
  apiKey: ApiKey.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const step = await ctx.services.sasl.step(
      ctx.connection.sasl,
      request.authBytes,
      ctx.connection.remoteAddress,
    );
    if (step.kind === "failed") {
      // The connection closes once this response is written (see SaslSession.failed).
      return {
        ...defaultSaslAuthenticateResponse(),
        errorCode: step.errorCode,
        errorMessage: step.message,
        authBytes: Buffer.alloc(0),
      };
    }
    // From here on the connection belongs to the credential's cluster.
    if (step.kind === "authenticated") ctx.connection.clusterId = step.principal.clusterId;
    return {
      ...defaultSaslAuthenticateResponse(),
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      authBytes: step.bytes,
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultSaslAuthenticateResponse(), errorCode, authBytes: Buffer.alloc(0) };
  },
});
