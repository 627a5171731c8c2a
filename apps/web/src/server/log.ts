import pino from "pino";
import { webConfig } from "./config.ts";

export const log = pino({ name: "streambed-web", level: webConfig().logLevel });
