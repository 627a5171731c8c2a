export interface BannerInfo {
  webUrl: string;
  demoEmail: string;
  demoPassword: string;
  bootstrap: string;
  saslUsername: string;
  saslPassword: string;
  apiKey: string;
  agentHealth: string[];
  logDir: string;
  billing: string;
  /** What STREAMBED_STORE_FAULTS injects, when set. */
  storeFaults: string | null;
}

/** The line prefixes are a contract: tests and users read values after them. */
export function printBanner(b: BannerInfo): void {
  const lines = [
    "",
    "Streambed is running. Press Ctrl-C to stop.",
    "",
    `Console:          ${b.webUrl}`,
    `Console sign-in:  ${b.demoEmail} / ${b.demoPassword}`,
    `Kafka bootstrap:  ${b.bootstrap}`,
    `SASL mechanism:   SCRAM-SHA-256 (PLAIN also accepted)`,
    `SASL username:    ${b.saslUsername}`,
    `SASL password:    ${b.saslPassword}`,
    `REST API key:     ${b.apiKey}`,
    `Agent health:     ${b.agentHealth.join(" ")}`,
    `Billing:          ${b.billing}`,
    `Logs:             ${b.logDir}`,
    ...(b.storeFaults ? [`Store faults:     ${b.storeFaults} (STREAMBED_STORE_FAULTS)`] : []),
    "",
  ];
  console.log(lines.join("\n"));
}
