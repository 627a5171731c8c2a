"use client";
import {
  BarChart3,
  BookOpen,
  KeyRound,
  LogOut,
  Receipt,
  ScrollText,
  Server,
  UserCog,
  Users,
} from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { Logo } from "@/components/brand/logo";
import { authClient } from "@/lib/auth-client";
import { cn } from "@/lib/cn";
import { BillingBanner } from "@/components/billing/billing-banner";
import { OrganizationSwitcher } from "./organization-switcher";
import { useOrganizationAccess } from "./use-organization-role";

interface NavItem {
  href: string;
  label: string;
  icon: typeof Server;
}

function NavLink({ item }: { item: NavItem }) {
  const pathname = usePathname();
  const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
  return (
    <Link
      href={item.href}
      className={cn(
        "flex items-center gap-2.5 rounded-md px-3 py-1.5 text-sm transition-colors hover:bg-sidebar-accent hover:text-white",
        active && "bg-sidebar-accent font-medium text-white",
      )}
      aria-current={active ? "page" : undefined}
    >
      <item.icon className="size-4" />
      {item.label}
    </Link>
  );
}

export function ConsoleShell({
  user,
  children,
}: {
  user: { name: string; email: string };
  children: ReactNode;
}) {
  const router = useRouter();
  const mayBill = useOrganizationAccess("billing");

  async function signOut() {
    await authClient.signOut();
    router.push("/sign-in");
    router.refresh();
  }

  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col bg-sidebar text-sidebar-foreground">
        <div className="px-4 py-4">
          <Link href="/clusters">
            <Logo inverted />
          </Link>
        </div>
        <div className="px-3 pb-3">
          <OrganizationSwitcher />
        </div>
        <nav className="flex flex-1 flex-col gap-0.5 overflow-y-auto px-3" aria-label="Main">
          <NavLink item={{ href: "/clusters", label: "Clusters", icon: Server }} />
          <NavLink item={{ href: "/usage", label: "Usage", icon: BarChart3 }} />
          <NavLink item={{ href: "/members", label: "Members", icon: Users }} />
          <NavLink item={{ href: "/api-keys", label: "API keys", icon: KeyRound }} />
          <NavLink item={{ href: "/api-reference", label: "API reference", icon: BookOpen }} />
          <NavLink item={{ href: "/audit", label: "Audit log", icon: ScrollText }} />
          {mayBill && <NavLink item={{ href: "/billing", label: "Billing", icon: Receipt }} />}
          <NavLink item={{ href: "/account", label: "Account", icon: UserCog }} />
        </nav>
        <div className="border-t border-slate-800 px-4 py-3 text-xs">
          <p className="truncate font-medium text-white" title={user.email}>
            {user.name}
          </p>
          <p className="truncate text-slate-400">{user.email}</p>
          <button
            type="button"
            onClick={() => void signOut()}
            className="mt-2 inline-flex items-center gap-1.5 text-slate-300 hover:text-white"
          >
            <LogOut className="size-3.5" /> Sign out
          </button>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-6">
        <BillingBanner />
        {children}
      </main>
    </div>
  );
}
