import { createServer } from "node:net";
import { portHolder } from "./processes.ts";

export interface PlannedPort {
  port: number;
  host: string;
  /** What will listen there and the variable that moves it, for the error message. */
  what: string;
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Fails before anything starts when a port we need is taken, naming the process holding it. */
export async function assertPortsFree(ports: PlannedPort[]): Promise<void> {
  const problems: string[] = [];
  for (const p of ports) {
    if (await canListen(p.port, p.host)) continue;
    const holder = portHolder(p.port);
    problems.push(
      `port ${p.port} (${p.what}) is held by ${
        holder ? `pid ${holder.pid}: ${holder.command}` : "another process"
      }`,
    );
  }
  if (problems.length > 0) throw new Error(`ports in use:\n  ${problems.join("\n  ")}`);
}
