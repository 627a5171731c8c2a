/**
 * The launcher's reaper: a small process of its own (own process group) whose stdin is a pipe
 * from the launcher. When the pipe closes and the launcher is gone, however it died (kill -9,
 * OOM killer), it stops every process the launcher recorded in the pid file, Postgres included.
 * Usage: node --import tsx scripts/platform/reaper.ts <pid file> <launcher pid>
 */
import { readPlatformRecord, removePlatformRecord, stopRecordedPlatform } from "./pid-file.ts";

const [file, launcherPid] = process.argv.slice(2);
if (!file || !launcherPid) throw new Error("usage: reaper.ts <pid file> <launcher pid>");

process.stdin.resume();
process.stdin.on("close", () => void reap());
// The terminal's Ctrl-C and hang-up are the launcher's to handle; we outlive it by design.
for (const signal of ["SIGINT", "SIGHUP"] as const) process.on(signal, () => undefined);

async function reap(): Promise<void> {
  const record = readPlatformRecord(file!);
  // A clean stop removes the record first; a record of another launcher is not ours.
  if (record && String(record.launcher.pid) === launcherPid) {
    const stopped = await stopRecordedPlatform(record);
    if (stopped.length > 0)
      console.log(`[streambed] launcher ${launcherPid} is gone; stopped ${stopped.join(", ")}`);
    removePlatformRecord(file!);
  }
  process.exit(0);
}
