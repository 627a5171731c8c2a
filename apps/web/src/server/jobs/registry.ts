import { billingJobs } from "../billing/jobs.ts";
import { usageJobs } from "../usage/usage-jobs.ts";
import type { JobDefinition } from "./job-definition.ts";

/** Every job the worker runs. A new job is one more entry here. */
export const jobRegistry: readonly JobDefinition[] = [...usageJobs, ...billingJobs];
