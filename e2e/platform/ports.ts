/** Away from the defaults so the suite can run beside a developer's own `npm start`. */
export const e2ePorts = { web: 3100, kafka: 19092, agentHttp: 20092 } as const;
