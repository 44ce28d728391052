#!/usr/bin/env node
// The `watchdog` command: the compiled CLI where there is one (the control image), else its
// TypeScript source through tsx (a checkout: npx watchdog ...).
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const root = new URL('..', import.meta.url);
const compiled = new URL('dist/cli/main.js', root);
if (existsSync(compiled)) await import(compiled.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('cli/main.ts', root).href);
}
