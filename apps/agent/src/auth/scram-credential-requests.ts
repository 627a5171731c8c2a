import {
  ErrorCode,
  MAX_SCRAM_ITERATIONS,
  MIN_SCRAM_ITERATIONS,
  scramVerifiersFromSaltedPassword,
  toStoredScramVerifiers,
  type AlterUserScramCredentialsRequest,
  type ScramMechanism,
} from "@streambed/protocol";
import type { ScramCredentialChange } from "../metadata/scram-credential-store.ts";

/** Kafka's ScramMechanism ids on the wire. */
const wireMechanisms: Record<number, ScramMechanism> = { 1: "SCRAM-SHA-256", 2: "SCRAM-SHA-512" };

export function wireMechanism(mechanism: ScramMechanism): number {
  return mechanism === "SCRAM-SHA-256" ? 1 : 2;
}

export type CheckedScramAlteration =
  | { user: string; change: ScramCredentialChange }
  | { user: string; errorCode: number; errorMessage: string };

/**
 * Checks an AlterUserScramCredentials request as Kafka does, per user: a user altered twice,
 * an empty name, an unknown mechanism, iterations outside Kafka's bounds or a malformed salted
 * password fail that user only. Upsertions become stored verifiers (never the salted password).
 */
export function checkScramAlterations(
  request: AlterUserScramCredentialsRequest,
): CheckedScramAlteration[] {
  const ops = [
    ...request.deletions.map((d) => ({ ...d, upsert: null })),
    ...request.upsertions.map((u) => ({ name: u.name, mechanism: u.mechanism, upsert: u })),
  ];
  const seen = new Map<string, number>();
  for (const op of ops) seen.set(op.name, (seen.get(op.name) ?? 0) + 1);
  const results: CheckedScramAlteration[] = [];
  const answered = new Set<string>();
  for (const op of ops) {
    if (answered.has(op.name)) continue;
    answered.add(op.name);
    const fail = (errorCode: number, errorMessage: string) =>
      results.push({ user: op.name, errorCode, errorMessage });
    if (seen.get(op.name)! > 1) {
      fail(
        ErrorCode.DUPLICATE_RESOURCE,
        "A user credential cannot be altered twice in the same request",
      );
      continue;
    }
    if (op.name === "") {
      fail(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
      continue;
    }
    const mechanism = wireMechanisms[op.mechanism];
    if (!mechanism) {
      fail(ErrorCode.UNSUPPORTED_SASL_MECHANISM, `Unknown SCRAM mechanism ${op.mechanism}`);
      continue;
    }
    const upsert = op.upsert;
    if (!upsert) {
      results.push({ user: op.name, change: { kind: "delete", mechanism } });
      continue;
    }
    if (upsert.iterations < MIN_SCRAM_ITERATIONS) {
      fail(
        ErrorCode.UNACCEPTABLE_CREDENTIAL,
        `Too few iterations (minimum ${MIN_SCRAM_ITERATIONS})`,
      );
      continue;
    }
    if (upsert.iterations > MAX_SCRAM_ITERATIONS) {
      fail(
        ErrorCode.UNACCEPTABLE_CREDENTIAL,
        `Too many iterations (maximum ${MAX_SCRAM_ITERATIONS})`,
      );
      continue;
    }
    const verifiers = scramVerifiersFromSaltedPassword(
      mechanism,
      Buffer.from(upsert.saltedPassword),
      Buffer.from(upsert.salt),
      upsert.iterations,
    );
    if (!verifiers) {
      fail(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Salt or salted password of the wrong size");
      continue;
    }
    results.push({
      user: op.name,
      change: { kind: "upsert", mechanism, verifiers: toStoredScramVerifiers(verifiers) },
    });
  }
  return results;
}
