/**
 * Generates src/generated/ from Kafka's JSON message definitions.
 * Usage: npm run codegen -w @streambed/protocol -- [messagesDir] [outDir]
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadMessages } from "./codegen/definitions.ts";
import { emitApis, emitIndex } from "./codegen/emit-apis.ts";
import { emitMessage } from "./codegen/emit-message.ts";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(packageDir, "../..");
export const DEFAULT_MESSAGES_DIR = resolve(repoRoot, "../shared/kafka-protocol/messages");
export const GENERATED_DIR = join(packageDir, "src/generated");

/** File name -> content of every generated file. */
export function generate(messagesDir: string): Map<string, string> {
  const messages = loadMessages(messagesDir);
  const files = new Map<string, string>();
  for (const m of messages) files.set(`${m.fileName}.ts`, emitMessage(m));
  files.set("apis.ts", emitApis(messages));
  files.set("index.ts", emitIndex(messages));
  return files;
}

/** Replaces every .ts file in `outDir` with freshly generated ones. */
export function writeGenerated(messagesDir: string, outDir: string): number {
  const files = generate(messagesDir);
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (f.endsWith(".ts")) rmSync(join(outDir, f));
  for (const [name, content] of files) writeFileSync(join(outDir, name), content);
  return files.size;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // npm runs scripts in the workspace folder; resolve paths against where the user typed them.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const messagesDir = resolve(cwd, process.argv[2] ?? DEFAULT_MESSAGES_DIR);
  const outDir = resolve(cwd, process.argv[3] ?? GENERATED_DIR);
  const count = writeGenerated(messagesDir, outDir);
  console.log(`codegen: wrote ${count} files to ${outDir}`);
}
