"use client";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";

/** One of a few options as a row of tabs (ranges, granularities). */
export function OptionPicker<T extends string>({
  label,
  value,
  options,
  labels,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly T[];
  labels: Record<T, string>;
  onChange: (value: T) => void;
}) {
  return (
    <Tabs value={value} onValueChange={(v) => onChange(v as T)} aria-label={label}>
      <TabsList>
        {options.map((o) => (
          <TabsTrigger key={o} value={o}>
            {labels[o]}
          </TabsTrigger>
        ))}
      </TabsList>
    </Tabs>
  );
}
