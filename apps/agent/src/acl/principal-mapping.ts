/**
 * Kafka principals of mutual-TLS clients: the certificate subject (RFC 2253, as Kafka's
 * X500Principal.getName()) mapped by rules written like Kafka's ssl.principal.mapping.rules:
 * a comma-separated list of `RULE:<regex>/<replacement>/[L|U]` and `DEFAULT` (the subject as is),
 * tried in order; the regex must match the whole subject, the first rule that matches names the
 * principal. No rule matching leaves the client anonymous (Kafka refuses the connection).
 */

type Rule =
  | { kind: "default" }
  | { kind: "rule"; pattern: RegExp; replacement: string; caseChange: "" | "L" | "U" };

export type PrincipalMappingRules = readonly Rule[];

export class PrincipalMappingError extends Error {
  override readonly name = "PrincipalMappingError";
}

/** Parses the rules; throws PrincipalMappingError on anything Kafka would not accept. */
export function parsePrincipalMappingRules(text: string): PrincipalMappingRules {
  const rules: Rule[] = [];
  let at = 0;
  const skipSeparators = () => {
    while (at < text.length && /[\s,]/.test(text[at]!)) at++;
  };
  skipSeparators();
  while (at < text.length) {
    if (text.startsWith("DEFAULT", at)) {
      rules.push({ kind: "default" });
      at += "DEFAULT".length;
    } else if (text.startsWith("RULE:", at)) {
      at += "RULE:".length;
      const pattern = readUntilSlash();
      const replacement = readUntilSlash();
      const flag = text[at] === "L" || text[at] === "U" ? text[at++] : "";
      rules.push({
        kind: "rule",
        pattern: compile(pattern),
        replacement,
        caseChange: flag as "" | "L" | "U",
      });
    } else {
      throw new PrincipalMappingError(`Invalid rule at "${text.slice(at)}"`);
    }
    if (at < text.length && !/[\s,]/.test(text[at]!))
      throw new PrincipalMappingError(`Invalid rule at "${text.slice(at)}"`);
    skipSeparators();
  }
  return rules;

  /** Reads up to the next unescaped "/" (consumed); "\/" stands for "/". */
  function readUntilSlash(): string {
    let out = "";
    while (at < text.length && text[at] !== "/") {
      if (text[at] === "\\" && text[at + 1] === "/") {
        out += "/";
        at += 2;
      } else out += text[at++];
    }
    if (at >= text.length) throw new PrincipalMappingError(`Unterminated rule in "${text}"`);
    at++;
    return out;
  }
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new PrincipalMappingError(`Invalid rule pattern "${pattern}": ${(err as Error).message}`);
  }
}

/** The principal name for a subject under the rules, or null when no rule matches. */
export function mapSubject(rules: PrincipalMappingRules, subject: string): string | null {
  for (const rule of rules) {
    if (rule.kind === "default") return subject;
    if (!rule.pattern.test(subject)) continue;
    const name = subject.replace(rule.pattern, rule.replacement);
    return rule.caseChange === "L"
      ? name.toLowerCase()
      : rule.caseChange === "U"
        ? name.toUpperCase()
        : name;
  }
  return null;
}

/**
 * A certificate subject as Node prints it (one "KEY=value" per line, most significant first) in
 * RFC 2253 order, as Kafka sees it: least significant first, comma-separated ("CN=a,O=b,C=c").
 */
export function rfc2253Subject(nodeSubject: string): string {
  return nodeSubject
    .split("\n")
    .filter((part) => part !== "")
    .reverse()
    .join(",");
}
