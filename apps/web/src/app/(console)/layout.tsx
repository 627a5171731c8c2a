import type { ReactNode } from "react";
import { Toaster } from "sonner";
import { ConsoleShell } from "@/components/shell/console-shell";
import { TRPCReactProvider } from "@/lib/trpc/client";
import { requireSession } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  return (
    <TRPCReactProvider>
      <ConsoleShell user={{ name: session.user.name, email: session.user.email }}>
        {children}
      </ConsoleShell>
      <Toaster richColors position="top-right" />
    </TRPCReactProvider>
  );
}
