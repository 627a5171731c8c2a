"use client";
import { Badge } from "@/components/ui/badge";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { formatBytes } from "@/lib/format";
import { JsonTree } from "./json-tree";
import type { BrowsedMessage } from "./message-browser";
import { decode, type Decoding } from "./message-decoding";

function Payload({
  label,
  bytes,
  decoding,
}: {
  label: string;
  bytes: { base64: string; size: number } | null;
  decoding: Decoding;
}) {
  const decoded = bytes ? decode(bytes.base64, decoding) : null;
  return (
    <section className="grid gap-1.5" aria-label={label}>
      <h3 className="flex items-center gap-2 text-sm font-medium">
        {label}
        <span className="text-xs font-normal text-muted-foreground">
          {bytes ? formatBytes(bytes.size) : "null"}
        </span>
        {decoded && (
          <Badge variant="muted">{decoded.kind === "invalid" ? "raw" : decoded.kind}</Badge>
        )}
      </h3>
      {decoded === null ? null : decoded.kind === "json" ? (
        <div
          className="overflow-x-auto rounded-md bg-muted p-2 font-mono text-xs -ml-4"
          data-testid={`${label.toLowerCase()}-json`}
        >
          <JsonTree value={decoded.value} />
        </div>
      ) : (
        <>
          {decoded.kind === "invalid" && <p className="text-xs text-amber-700">{decoded.reason}</p>}
          <pre className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-muted p-2 font-mono text-xs">
            {decoded.text}
          </pre>
        </>
      )}
    </section>
  );
}

/** Everything about one message, on the side of the list. */
export function MessageDrawer({
  message,
  decoding,
  onClose,
}: {
  message: BrowsedMessage | null;
  decoding: Decoding;
  onClose: () => void;
}) {
  return (
    <Dialog open={message !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="left-auto right-0 top-0 h-full max-w-xl translate-x-0 translate-y-0 content-start overflow-y-auto rounded-none">
        {message && (
          <>
            <DialogHeader>
              <DialogTitle>
                Partition {message.partition} · offset {message.offset.toString()}
              </DialogTitle>
              <DialogDescription>
                {new Date(message.timestamp).toISOString()} ({message.timestamp} ms)
              </DialogDescription>
            </DialogHeader>
            <dl className="grid grid-cols-[8rem_1fr] gap-1 text-sm">
              <dt className="text-muted-foreground">Partition</dt>
              <dd>{message.partition}</dd>
              <dt className="text-muted-foreground">Offset</dt>
              <dd className="font-mono">{message.offset.toString()}</dd>
              <dt className="text-muted-foreground">Timestamp</dt>
              <dd>{new Date(message.timestamp).toISOString()}</dd>
            </dl>
            <Payload label="Key" bytes={message.key} decoding={decoding} />
            <section className="grid gap-1.5" aria-label="Headers">
              <h3 className="text-sm font-medium">Headers</h3>
              {message.headers.length === 0 ? (
                <p className="text-xs text-muted-foreground">None</p>
              ) : (
                <dl className="grid grid-cols-[minmax(6rem,auto)_1fr] gap-1 font-mono text-xs">
                  {message.headers.map((h, i) => (
                    <div key={i} className="contents">
                      <dt className="text-muted-foreground">{h.key}</dt>
                      <dd className="break-all">
                        {h.value ? decodeHeader(h.value.base64) : "null"}
                      </dd>
                    </div>
                  ))}
                </dl>
              )}
            </section>
            <Payload label="Value" bytes={message.value} decoding={decoding} />
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}

function decodeHeader(base64: string): string {
  const decoded = decode(base64, "auto");
  return decoded.kind === "json" ? JSON.stringify(decoded.value) : decoded.text;
}
