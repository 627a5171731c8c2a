import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getAuth } from "./instance.ts";

/** The signed-in session of the current request, or null. */
export async function currentSession() {
  return getAuth().api.getSession({ headers: await headers() });
}

/** For console pages: the session, or a redirect to sign-in. */
export async function requireSession() {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  return session;
}
