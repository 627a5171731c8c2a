import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Toaster } from "sonner";
import { Logo } from "@/components/brand/logo";
import { AcceptInvitation } from "@/components/members/accept-invitation";
import { TRPCReactProvider } from "@/lib/trpc/client";
import { currentSession } from "@/server/auth/session";

export const metadata: Metadata = { title: "Invitation" };

/** Outside the console layout so a signed-out invitee comes back here after signing in or up. */
export default async function InvitePage({
  params,
}: {
  params: Promise<{ invitationId: string }>;
}) {
  const { invitationId } = await params;
  const session = await currentSession();
  if (!session) redirect(`/sign-in?next=${encodeURIComponent(`/invite/${invitationId}`)}`);
  return (
    <TRPCReactProvider>
      <main className="flex min-h-screen flex-col items-center gap-6 px-4 py-12">
        <Logo className="text-xl" />
        <p className="text-sm text-muted-foreground">Signed in as {session.user.email}</p>
        <div className="w-full max-w-lg">
          <AcceptInvitation invitationId={invitationId} />
        </div>
      </main>
      <Toaster richColors position="top-right" />
    </TRPCReactProvider>
  );
}
