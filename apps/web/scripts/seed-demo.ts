/**
 * Seeds the demo account for `npm start` and prints the result as one JSON line on stdout.
 * Env: DATABASE_URL, STREAMBED_DEMO_EMAIL, STREAMBED_DEMO_PASSWORD, STREAMBED_DEMO_SASL_USERNAME,
 * STREAMBED_DEMO_SASL_PASSWORD, STREAMBED_DEMO_API_KEY.
 */
import { z } from "zod";
import { createPrismaClient } from "@streambed/db";
import { apiKeyPrefix } from "../src/server/api-keys/api-key.ts";
import { seedDemo } from "../src/server/seed/demo.ts";

const env = z
  .object({
    DATABASE_URL: z.string().min(1),
    STREAMBED_DEMO_EMAIL: z.email(),
    STREAMBED_DEMO_PASSWORD: z.string().min(8),
    STREAMBED_DEMO_SASL_USERNAME: z.string().min(1),
    STREAMBED_DEMO_SASL_PASSWORD: z.string().min(1),
    STREAMBED_DEMO_API_KEY: z.string().startsWith(apiKeyPrefix),
  })
  .parse(process.env);

const prisma = createPrismaClient(env.DATABASE_URL);
try {
  const result = await seedDemo(prisma, {
    email: env.STREAMBED_DEMO_EMAIL,
    password: env.STREAMBED_DEMO_PASSWORD,
    saslUsername: env.STREAMBED_DEMO_SASL_USERNAME,
    saslPassword: env.STREAMBED_DEMO_SASL_PASSWORD,
    apiKey: env.STREAMBED_DEMO_API_KEY,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await prisma.$disconnect();
}
