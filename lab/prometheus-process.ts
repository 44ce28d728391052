/**
 * A real Prometheus (Debian's package, installed by lab-up.sh) scraping the given targets every
 * second, on a free port, with its data in a temporary directory.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StopWaiting, waitFor } from './wait.js';

export interface PrometheusProcess {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

export async function startPrometheus(
  jobs: Record<string, string[]>,
  dataDir = mkdtempSync(join(tmpdir(), 'prometheus-')),
): Promise<PrometheusProcess> {
  const port = await freePort();
  const config = join(dataDir, 'prometheus.yml');
  const scrapes = Object.entries(jobs).map(
    ([job, targets]) => `  - job_name: ${job}\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`,
  );
  writeFileSync(config, `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${scrapes.join('')}`);
  const child = spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dataDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'Prometheus to be ready',
    async () => {
      if (child.exitCode !== null) throw new StopWaiting(`prometheus exited with ${child.exitCode}:\n${output}`);
      return (await fetch(`${url}/-/ready`).catch(() => null))?.ok === true;
    },
    20_000,
    100,
  );
  return {
    url,
    dataDir,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
