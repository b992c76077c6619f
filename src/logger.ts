import winston from 'winston';
import Transport from 'winston-transport';
import type { Emitter } from './protocol/emitter.js';
import type { LogLevel } from './protocol/messages.js';

const AIRBYTE_LEVELS: Record<string, LogLevel> = {
  error: 'ERROR',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
};

/** Turns winston log entries into Airbyte LOG messages on the emitter (never raw stdout). */
class AirbyteLogTransport extends Transport {
  constructor(private readonly emitter: Emitter) {
    super();
  }

  override log(info: winston.Logform.TransformableInfo, next: () => void): void {
    const level = AIRBYTE_LEVELS[info.level] ?? 'INFO';
    const stack = typeof info['stack'] === 'string' ? { stack_trace: info['stack'] } : {};
    this.emitter.emitNow({ type: 'LOG', log: { level, message: String(info.message), ...stack } });
    next();
  }
}

export type Logger = winston.Logger;

export function createLogger(emitter: Emitter, debug: boolean): Logger {
  return winston.createLogger({
    level: debug ? 'debug' : 'info',
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    // winston-transport's CommonJS class reaches ESM through a default import the linter cannot trace.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    transports: [new AirbyteLogTransport(emitter)],
  });
}
