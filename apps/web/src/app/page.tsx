import { redirect } from "next/navigation";
import { currentSession } from "@/server/auth/session";

export const dynamic = "force-dynamic";

/** The console's front door: signed-in users go to their clusters, everyone else to sign-in. */
export default async function Home() {
  const session = await currentSession();
  redirect(session ? "/clusters" : "/sign-in");
}
