import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A self-signed CA (ca.pem), a server certificate for 127.0.0.1 (server.pem/.key) and client
 * certificates (<name>.pem/.key) with the given subjects, all signed by the CA, written to `dir`.
 */
export async function makeCertificates(
  dir: string,
  clients: Record<string, string> = { client: "/CN=test-client" },
): Promise<void> {
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=Streambed Test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  );
  await writeFile(path.join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  const certificates: [string, string, string[]][] = [
    ["server", "/CN=127.0.0.1", ["-extfile", "server.ext"]],
    ...Object.entries(clients).map(([name, subject]): [string, string, string[]] => [
      name,
      subject,
      [],
    ]),
  ];
  for (const [name, subject, ext] of certificates) {
    await openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      subject,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
    );
    await openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-out",
      `${name}.pem`,
      ...ext,
    );
  }
}
