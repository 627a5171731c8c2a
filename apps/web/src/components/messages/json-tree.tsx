"use client";

/** Pretty JSON whose objects and arrays fold (native <details>: keyboard and screen reader ready). */
export function JsonTree({ value, name }: { value: unknown; name?: string }) {
  const label =
    name === undefined ? null : <span className="text-sky-700">{JSON.stringify(name)}: </span>;
  if (value === null || typeof value !== "object")
    return (
      <div className="pl-4">
        {label}
        <span className={typeof value === "string" ? "text-emerald-700" : "text-amber-700"}>
          {JSON.stringify(value)}
        </span>
      </div>
    );
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return (
    <details open className="pl-4">
      <summary className="cursor-pointer rounded-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
        {label}
        {open}
        <span className="text-muted-foreground">
          {" "}
          {entries.length} {Array.isArray(value) ? "items" : "keys"}
        </span>
      </summary>
      {entries.map(([k, v]) => (
        <JsonTree key={k} value={v} name={Array.isArray(value) ? undefined : k} />
      ))}
      <div className="pl-4">{close}</div>
    </details>
  );
}
