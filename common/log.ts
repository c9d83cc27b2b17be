// Structured JSON-lines logging.
import { type Logger as PinoLogger, pino } from 'pino';

export type Logger = PinoLogger;

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'school-call', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
