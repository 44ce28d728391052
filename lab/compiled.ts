/**
 * The project compiled to JavaScript, as the images run it (`tsc -p tsconfig.build.json`, then
 * `node dist/<entry>.js`): for benchmarks whose figure is a process's memory or CPU, which tsx's
 * loader would inflate (about 25 MB of control's RSS). Built once per process into `.state/compiled`.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const outDir = join(root, '.state', 'compiled');
let built = false;

/** The compiled file of a TypeScript entry (`control/main.ts` -> `.state/compiled/control/main.js`), building the project first once. */
export function compiledEntry(entry: string): string {
  if (!built) {
    execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], {
      cwd: root,
      stdio: 'inherit',
    });
    copyFileSync(join(root, 'openapi.yaml'), join(outDir, 'openapi.yaml'));
    built = true;
  }
  return join(outDir, entry.replace(/\.ts$/, '.js'));
}
