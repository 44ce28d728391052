/**
 * Generates the TypeScript side of the two contracts from the documents that define them:
 *   asyncapi.yaml -> bus/contract.generated.ts   (message types, their JSON Schemas, channel addresses)
 *   openapi.yaml  -> api/contract.generated.ts   (REST types)
 *
 *   npm run contracts              write both files
 *   npm run contracts -- --check   fail when a file is not what its document generates (npm test runs it)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';

const root = new URL('../', import.meta.url).pathname;
const HEADER = (source: string): string =>
  `// Generated from ${source} by scripts/contracts.ts (npm run contracts). Do not edit: change ${source}.\n/* eslint-disable */\n`;

/** Schema names that would shadow a global: their alias gets another name. */
const ALIAS_NAMES: Record<string, string> = { Error: 'ErrorBody' };

function aliases(schemaNames: string[]): string {
  return schemaNames.map((name) => `export type ${ALIAS_NAMES[name] ?? name} = components['schemas']['${name}'];\n`).join('');
}

async function busContract(): Promise<string> {
  const doc = parse(readFileSync(`${root}asyncapi.yaml`, 'utf8')) as {
    info: object;
    channels: Record<string, { address: string }>;
    components: { schemas: Record<string, object> };
  };
  // openapi-typescript reads JSON Schema from an OpenAPI 3.1 document's components.
  const types = astToString(
    await openapiTS({ openapi: '3.1.0', info: doc.info, paths: {}, components: { schemas: doc.components.schemas } } as never),
  );
  const addresses = Object.fromEntries(Object.entries(doc.channels).map(([id, channel]) => [id, channel.address]));
  return [
    HEADER('asyncapi.yaml'),
    types,
    aliases(Object.keys(doc.components.schemas)),
    '\n/** The message schemas (components.schemas), for the validators in bus/messages.ts. */\n',
    `export const busSchemas: Record<string, object> = ${JSON.stringify(doc.components.schemas, null, 2)};\n`,
    "\n/** Every channel's address: exchange and queue names ({hostname} is a parameter). */\n",
    `export const channelAddresses = ${JSON.stringify(addresses, null, 2)} as const;\n`,
  ].join('');
}

async function apiContract(): Promise<string> {
  const doc = parse(readFileSync(`${root}openapi.yaml`, 'utf8')) as { components: { schemas: Record<string, object> } };
  const types = astToString(await openapiTS(doc as never));
  return [HEADER('openapi.yaml'), types, aliases(Object.keys(doc.components.schemas))].join('');
}

const outputs: [string, () => Promise<string>][] = [
  ['bus/contract.generated.ts', busContract],
  ['api/contract.generated.ts', apiContract],
];

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, generate] of outputs) {
  const text = await generate();
  const path = `${root}${file}`;
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(`${file} is not what its contract generates: run npm run contracts`);
      stale += 1;
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${file}`);
  }
}
if (stale > 0) process.exitCode = 1;
else if (check) console.log('generated contract files are up to date');
