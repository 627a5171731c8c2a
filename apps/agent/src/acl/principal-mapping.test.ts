import { describe, expect, it } from "vitest";
import {
  PrincipalMappingError,
  mapSubject,
  parsePrincipalMappingRules,
  rfc2253Subject,
} from "./principal-mapping.ts";

describe("ssl.principal.mapping.rules", () => {
  it("DEFAULT keeps the subject", () => {
    expect(mapSubject(parsePrincipalMappingRules("DEFAULT"), "CN=alice,O=Acme")).toBe(
      "CN=alice,O=Acme",
    );
  });

  it("applies the first rule whose pattern matches the whole subject, with L/U", () => {
    const rules = parsePrincipalMappingRules(
      "RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/, RULE:^CN=(.*?),OU=(.*?),O=(.*?)$/$1@$2/L,DEFAULT",
    );
    expect(mapSubject(rules, "CN=Kafka,OU=ServiceUsers,O=Acme")).toBe("Kafka");
    expect(mapSubject(rules, "CN=Alice,OU=Eng,O=Acme")).toBe("alice@eng");
    expect(mapSubject(rules, "CN=x")).toBe("CN=x");
    const upper = parsePrincipalMappingRules("RULE:^CN=([^,]*).*$/$1/U");
    expect(mapSubject(upper, "CN=bob,O=Acme")).toBe("BOB");
    // Without DEFAULT, a subject no rule matches has no principal.
    expect(mapSubject(upper, "O=Acme")).toBeNull();
  });

  it('reads "\\/" as a slash and refuses malformed rules', () => {
    const rules = parsePrincipalMappingRules("RULE:^CN=(.*)\\/x$/$1/");
    expect(mapSubject(rules, "CN=a/x")).toBe("a");
    for (const bad of ["RULE:^CN=(.*)$/$1", "NOPE", "RULE:(/x/", "DEFAULTX"])
      expect(() => parsePrincipalMappingRules(bad)).toThrow(PrincipalMappingError);
  });

  it("orders Node's subject lines as RFC 2253 (least significant first)", () => {
    expect(rfc2253Subject("C=US\nO=Acme\nOU=Eng\nCN=alice")).toBe("CN=alice,OU=Eng,O=Acme,C=US");
  });
});
