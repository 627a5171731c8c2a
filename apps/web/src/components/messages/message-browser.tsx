"use client";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { Inbox } from "lucide-react";
import { useState, type FormEvent } from "react";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { formatBytes } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import type { AppRouter } from "@/server/routers/app";
import { decode, decodings, preview, type Decoding } from "./message-decoding";
import { MessageDrawer } from "./message-drawer";

type BrowseInput = inferRouterInputs<AppRouter>["messages"]["browse"];
export type BrowsedMessage =
  inferRouterOutputs<AppRouter>["messages"]["browse"]["messages"][number];

const stopReasons = {
  limit: "limit reached",
  end: "no more messages in range",
  bytes: "read budget (bytes) spent: narrow the range or the filter",
  time: "read budget (time) spent: narrow the range or the filter",
} as const;

/** `<input type="datetime-local">` speaks local time; the API speaks epoch milliseconds. */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function MessageBrowser({
  clusterId,
  topic,
  partitionCount,
}: {
  clusterId: string;
  topic: string;
  partitionCount: number;
}) {
  const trpc = useTRPC();
  const [partition, setPartition] = useState("all");
  const [startKind, setStartKind] = useState<BrowseInput["start"]["kind"]>("latest");
  const [order, setOrder] = useState<"newest" | "oldest">("newest");
  const [limit, setLimit] = useState("100");
  const [filterTarget, setFilterTarget] = useState<"key" | "value" | "headers">("value");
  const [filterMode, setFilterMode] = useState<"contains" | "jsonPath">("contains");
  const [decoding, setDecoding] = useState<Decoding>("auto");
  const [selected, setSelected] = useState<BrowsedMessage | null>(null);
  const [request, setRequest] = useState<BrowseInput>({
    clusterId,
    topic,
    partition: null,
    start: { kind: "latest" },
    order: "newest",
    limit: 100,
    filter: null,
  });
  const messages = useQuery(
    trpc.messages.browse.queryOptions(request, {
      // Leaving the page cancels the read on the server too (its Kafka connection is closed).
      trpc: { abortOnUnmount: true },
      staleTime: Infinity,
      retry: false,
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const start: BrowseInput["start"] =
      startKind === "offset"
        ? { kind: "offset", offset: text("offset") || "0" }
        : startKind === "timestamp"
          ? { kind: "timestamp", timestamp: new Date(text("timestamp")).getTime() || 0 }
          : { kind: startKind };
    const query = text("query");
    setRequest({
      clusterId,
      topic,
      partition: partition === "all" ? null : Number(partition),
      start,
      order,
      limit: Number(limit),
      filter: query
        ? {
            target: filterTarget,
            mode: filterMode,
            query,
            ...(filterMode === "jsonPath" && text("equals") ? { equals: text("equals") } : {}),
          }
        : null,
    });
  }

  return (
    <div className="grid gap-4">
      <form
        onSubmit={onSubmit}
        className="grid gap-3 rounded-lg border bg-background p-4"
        aria-label="Read messages"
      >
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
          <Field id="partition" label="Partition">
            <Select value={partition} onValueChange={setPartition}>
              <SelectTrigger id="partition">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="all">All partitions</SelectItem>
                {Array.from({ length: partitionCount }, (_, p) => (
                  <SelectItem key={p} value={String(p)}>
                    Partition {p}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </Field>
          <Field id="start" label="Start at">
            <Select
              value={startKind}
              onValueChange={(v) => {
                const kind = v as typeof startKind;
                setStartKind(kind);
                // Reading away from the start is what each choice is for.
                setOrder(kind === "latest" ? "newest" : "oldest");
              }}
            >
              <SelectTrigger id="start">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="latest">Latest</SelectItem>
                <SelectItem value="earliest">Earliest</SelectItem>
                <SelectItem value="offset">Offset</SelectItem>
                <SelectItem value="timestamp">Timestamp</SelectItem>
              </SelectContent>
            </Select>
          </Field>
          {startKind === "offset" && (
            <Field id="offset" label="Offset">
              <Input id="offset" name="offset" inputMode="numeric" pattern="\d+" defaultValue="0" />
            </Field>
          )}
          {startKind === "timestamp" && (
            <Field id="timestamp" label="Time (local)">
              <Input
                id="timestamp"
                name="timestamp"
                type="datetime-local"
                defaultValue={toLocalInput(Date.now() - 3_600_000)}
              />
            </Field>
          )}
          <Field id="order" label="Order">
            <Select value={order} onValueChange={(v) => setOrder(v as typeof order)}>
              <SelectTrigger id="order">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="newest">Newest first</SelectItem>
                <SelectItem value="oldest">Oldest first</SelectItem>
              </SelectContent>
            </Select>
          </Field>
          <Field id="limit" label="Messages">
            <Select value={limit} onValueChange={setLimit}>
              <SelectTrigger id="limit">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {["20", "100", "500"].map((n) => (
                  <SelectItem key={n} value={n}>
                    {n}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </Field>
        </div>
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[10rem_10rem_1fr_1fr_auto] lg:items-end">
          <Field id="filter-target" label="Filter on">
            <Select
              value={filterTarget}
              onValueChange={(v) => setFilterTarget(v as typeof filterTarget)}
            >
              <SelectTrigger id="filter-target">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="value">Value</SelectItem>
                <SelectItem value="key">Key</SelectItem>
                <SelectItem value="headers">Headers</SelectItem>
              </SelectContent>
            </Select>
          </Field>
          <Field id="filter-mode" label="Match">
            <Select value={filterMode} onValueChange={(v) => setFilterMode(v as typeof filterMode)}>
              <SelectTrigger id="filter-mode">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="contains">Contains</SelectItem>
                <SelectItem value="jsonPath">JSON path</SelectItem>
              </SelectContent>
            </Select>
          </Field>
          <Field
            id="query"
            label={filterMode === "jsonPath" ? "Path (e.g. $.customer.id)" : "Text"}
          >
            <Input
              id="query"
              name="query"
              placeholder={filterMode === "jsonPath" ? "$.field" : "any text"}
            />
          </Field>
          {filterMode === "jsonPath" ? (
            <Field id="equals" label="Equals (optional)">
              <Input id="equals" name="equals" />
            </Field>
          ) : (
            <div />
          )}
          <Button type="submit">Read messages</Button>
        </div>
      </form>

      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-muted-foreground" aria-live="polite" data-testid="browse-status">
          {messages.data
            ? `${messages.data.messages.length} message${messages.data.messages.length === 1 ? "" : "s"} · ${formatBytes(messages.data.scannedBytes)} read in ${messages.data.elapsedMs} ms · ${stopReasons[messages.data.stoppedBy]}`
            : messages.isFetching
              ? "Reading…"
              : " "}
        </p>
        <label className="flex items-center gap-2 text-sm" htmlFor="decoding">
          Show as
          <Select value={decoding} onValueChange={(v) => setDecoding(v as Decoding)}>
            <SelectTrigger id="decoding" className="w-28">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {decodings.map((d) => (
                <SelectItem key={d} value={d}>
                  {d === "auto"
                    ? "Auto"
                    : d === "json"
                      ? "JSON"
                      : d === "text"
                        ? "Text"
                        : d === "hex"
                          ? "Hex"
                          : "Base64"}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </label>
      </div>

      {messages.isPending ? (
        <TableSkeleton />
      ) : messages.error ? (
        <QueryError error={messages.error} />
      ) : messages.data.messages.length === 0 ? (
        <EmptyState
          icon={Inbox}
          title="No messages"
          description="Nothing matched in this range. Try another start or filter."
        />
      ) : (
        <div className="overflow-x-auto rounded-lg border bg-background">
          <table className="w-full text-sm" data-testid="messages-table">
            <thead className="border-b bg-muted/50 text-left text-xs text-muted-foreground">
              <tr>
                <th className="px-3 py-2 font-medium">Partition</th>
                <th className="px-3 py-2 text-right font-medium">Offset</th>
                <th className="px-3 py-2 font-medium">Timestamp</th>
                <th className="px-3 py-2 font-medium">Key</th>
                <th className="px-3 py-2 font-medium">Value</th>
                <th className="px-3 py-2 text-right font-medium">Size</th>
              </tr>
            </thead>
            <tbody>
              {messages.data.messages.map((m) => (
                <tr
                  key={`${m.partition}:${m.offset}`}
                  className="border-b last:border-0 hover:bg-muted/40"
                >
                  <td className="px-3 py-2 tabular-nums">{m.partition}</td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    <button
                      type="button"
                      className="rounded-sm font-mono text-primary hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                      onClick={() => setSelected(m)}
                      aria-label={`Open message ${m.partition}:${m.offset}`}
                    >
                      {m.offset.toString()}
                    </button>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {new Date(m.timestamp).toISOString()}
                  </td>
                  <td className="max-w-48 truncate px-3 py-2 font-mono text-xs">
                    {m.key ? (
                      preview(decode(m.key.base64, decoding), 60)
                    ) : (
                      <span className="text-muted-foreground">null</span>
                    )}
                  </td>
                  <td className="max-w-md truncate px-3 py-2 font-mono text-xs">
                    {m.value ? (
                      preview(decode(m.value.base64, decoding))
                    ) : (
                      <span className="text-muted-foreground">null</span>
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {formatBytes(m.value?.size ?? 0)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MessageDrawer message={selected} decoding={decoding} onClose={() => setSelected(null)} />
    </div>
  );
}
