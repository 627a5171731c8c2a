import { createAuthClient } from "better-auth/react";

/** Browser side of better-auth; same origin as the console. */
export const authClient = createAuthClient();
