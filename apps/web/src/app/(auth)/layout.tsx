import type { ReactNode } from "react";
import { Toaster } from "sonner";
import { Logo } from "@/components/brand/logo";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-8 bg-gradient-to-b from-slate-100 to-indigo-50 px-4 py-12">
      <Logo className="text-xl" />
      <div className="w-full max-w-sm rounded-xl border bg-background p-8 shadow-sm">
        {children}
      </div>
      <p className="text-xs text-muted-foreground">Kafka-compatible streaming on object storage</p>
      <Toaster richColors position="top-right" />
    </main>
  );
}
