import {
  ApiKey,
  ErrorCode,
  defaultSaslHandshakeResponse,
  type SaslHandshakeRequest,
  type SaslHandshakeResponse,
} from "@streambed/protocol";
import { isSaslMechanism, saslMechanisms } from "../auth/sasl-authenticator.ts";
import { defineApi } from "../server/api-handler.ts";

export const saslHandshakeApi = defineApi<SaslHandshakeRequest, SaslHandshakeResponse>({
  apiKey: ApiKey.SaslHandshake,
  // librdkafka requires v0 in ApiVersions although it then uses v1 + SaslAuthenticate.
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const session = ctx.connection.sasl;
    const mechanisms = [...saslMechanisms];
    if (session.mechanism !== null || session.principal !== null)
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
    if (!isSaslMechanism(request.mechanism))
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    session.mechanism = request.mechanism;
    session.legacyFraming = ctx.apiVersion === 0;
    return { errorCode: ErrorCode.NONE, mechanisms };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultSaslHandshakeResponse(), errorCode, mechanisms: [...saslMechanisms] };
  },
});
