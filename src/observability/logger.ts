// The process's logger: readable lines on a terminal (pino-pretty), one JSON object a line otherwise (for
// log collectors), as LOG_FORMAT says. Fastify and the worker share it.
import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'auto' | 'pretty' | 'json';

/** Whether lines should be pretty: asked for, or `auto` on a terminal. */
export function wantsPretty(format: LogFormat, isTty: boolean | undefined): boolean {
  return format === 'pretty' || (format === 'auto' && isTty === true);
}

export function makeLogger(level: string, format: LogFormat = 'auto', out: NodeJS.WriteStream = process.stdout): Logger {
  if (!wantsPretty(format, out.isTTY)) return pino({ level });
  // Synchronous pretty printing in the process itself: no worker thread to start or to lose lines on exit.
  return pino(
    { level },
    pretty({
      destination: out,
      sync: true,
      colorize: out.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      singleLine: true,
    }),
  );
}
