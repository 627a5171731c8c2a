/**
 * Away from the defaults so the suite can run beside a developer's own `npm start`;
 * STREAMBED_E2E_PORT_BASE moves all three (for two suites at once on one machine).
 */
const base = Number(process.env.STREAMBED_E2E_PORT_BASE ?? 0);
export const e2ePorts = { web: 3100 + base, kafka: 19092 + base, agentHttp: 20092 + base } as const;
