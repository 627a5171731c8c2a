import type { Metadata } from "next";
import { AccountPage } from "@/components/account/change-password";
import { requireSession } from "@/server/auth/session";

export const metadata: Metadata = { title: "Account" };

export default async function Account() {
  const session = await requireSession();
  return <AccountPage email={session.user.email} />;
}
