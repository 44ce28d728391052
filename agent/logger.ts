/**
 * The agent's log: one JSON line per check and per action in LOG_FILE (rotated by size, the newest
 * lines always under LOG_FILE itself), and a readable line on the console.
 */
import winston from 'winston';

export interface AgentLogger {
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

export function createAgentLogger(options: { hostname: string; logFile: string; level?: string }): AgentLogger {
  const file = new winston.transports.File({
    filename: options.logFile,
    maxsize: MAX_FILE_BYTES,
    maxFiles: KEPT_FILES,
    tailable: true,
    format: winston.format.combine(stampTime(), winston.format.errors({ stack: true }), winston.format.json()),
  });
  const console = new winston.transports.Console({
    format: winston.format.printf((info) => `${String(info['time'])} ${info.level.padEnd(5)} [${options.hostname}] ${String(info.message)}`),
  });
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { host: options.hostname },
    format: stampTime(),
    transports: [file, console],
  });
  return {
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        file.once('finish', () => resolve());
        logger.end();
      }),
  };
}
