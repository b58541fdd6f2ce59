import { pino } from "pino";

export type Logger = pino.Logger;

/** The one place loggers are made; features take child loggers from it. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ["password", "token", "*.password", "*.token", "req.headers.authorization", "req.headers.cookie"],
      remove: true,
    },
  });
}
