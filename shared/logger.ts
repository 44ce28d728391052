/**
 * Logs: a readable line on the console and, when a file is given, one JSON object per line in it
 * (rotated by size, the newest lines always under the file's own name).
 */
import winston from 'winston';

export interface Logger {
  logger: winston.Logger;
  /** Flushes every line to the file; call before the process ends. */
  close(): Promise<void>;
}

const MAX_FILE_BYTES = 10 * 1024 * 1024;
const KEPT_FILES = 5;

const stampTime = winston.format((info) => {
  info['time'] = new Date().toISOString();
  return info;
});

export function createLogger(options: { hostname: string; logFile?: string; level?: string }): Logger {
  // A console nobody reads any more (a closed pipe) must not take the process down with EPIPE.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const file =
    options.logFile === undefined
      ? null
      : new winston.transports.File({
          filename: options.logFile,
          maxsize: MAX_FILE_BYTES,
          maxFiles: KEPT_FILES,
          tailable: true,
          format: winston.format.combine(stampTime(), winston.format.errors({ stack: true }), winston.format.json()),
        });
  const console = new winston.transports.Console({
    format: winston.format.printf(
      (info) => `${String(info['time'])} ${info.level.padEnd(5)} [${options.hostname}] ${String(info.message)}`,
    ),
  });
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { host: options.hostname },
    format: stampTime(),
    transports: file ? [file, console] : [console],
  });
  return {
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        if (file) file.once('finish', () => resolve());
        else logger.once('finish', () => resolve());
        logger.end();
      }),
  };
}
