import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileStateStore } from '../../agent/policy/state-file.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'state-'));

describe('FileStateStore (a real file)', () => {
  it('has nothing before the first save, then reads back what it saved, creating the directory', async () => {
    const path = join(dir(), 'deep', 'er', 'state.json');
    const store = new FileStateStore(path);
    assert.equal(await store.load(), null);
    await store.save({ monitored: ['web'], threshold: 42 });
    assert.deepEqual(await new FileStateStore(path).load(), { monitored: ['web'], threshold: 42 });
  });

  it('removes temporary files a save killed midway left behind, when it loads', async () => {
    const d = dir();
    const path = join(d, 'state.json');
    await new FileStateStore(path).save({ monitored: ['web'], threshold: 3 });
    writeFileSync(join(d, 'state.json.4242.tmp'), '{"monitored":');
    writeFileSync(join(d, 'other.json.4242.tmp'), 'not ours');
    assert.deepEqual(await new FileStateStore(path).load(), { monitored: ['web'], threshold: 3 });
    assert.deepEqual(readdirSync(d).sort(), ['other.json.4242.tmp', 'state.json']);
  });

  it('leaves no temporary file behind', async () => {
    const d = dir();
    await new FileStateStore(join(d, 'state.json')).save({ monitored: [], threshold: 1 });
    assert.deepEqual(readdirSync(d), ['state.json']);
  });

  it('names what is wrong with a file it cannot use, and does not touch it', async () => {
    const path = join(dir(), 'state.json');
    const cases: [string, RegExp][] = [
      ['{oops', /not valid JSON/],
      ['[]', /"monitored" must be a list of names/],
      ['{"monitored":["/etc"],"threshold":5}', /"monitored" must be a list of names, each a Docker container name/],
      ['{"monitored":[],"threshold":101}', /"threshold" must be a number from 0 to 100/],
      ['{"monitored":[],"threshold":5,"restartBudgets":{"web":{"restarts":"x"}}}', /"restartBudgets" must be an object/],
      ['{"monitored":[],"threshold":5,"policies":{"web":{"threshold":500}}}', /"policies.web": threshold: must be a number from 0 to 100/],
    ];
    for (const [text, reason] of cases) {
      writeFileSync(path, text);
      await assert.rejects(new FileStateStore(path).load(), reason);
      assert.equal(readFileSync(path, 'utf8'), text);
    }
  });
});
