"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/cn";

/** Overview and Messages of one topic, as links: each view has its own URL. */
export function TopicTabs({ clusterId, name }: { clusterId: string; name: string }) {
  const pathname = usePathname();
  const base = `/clusters/${clusterId}/topics/${encodeURIComponent(name)}`;
  const tabs = [
    { href: base, label: "Overview" },
    { href: `${base}/messages`, label: "Messages" },
  ];
  return (
    <nav className="mb-4 flex gap-1 border-b" aria-label="Topic">
      {tabs.map((tab) => {
        const active = pathname === tab.href;
        return (
          <Link
            key={tab.label}
            href={tab.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "-mb-px rounded-t-sm border-b-2 px-3 py-2 text-sm font-medium text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
              active ? "border-primary text-foreground" : "border-transparent",
            )}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
