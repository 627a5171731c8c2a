import { getAuth } from "@/server/auth/instance";

function handler(req: Request) {
  return getAuth().handler(req);
}

export { handler as GET, handler as POST };
