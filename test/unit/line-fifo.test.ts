import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { LineFifo } from '../../agent/probing/line-fifo.js';
import { waitFor } from '../../lab/wait.js';

describe('LineFifo', () => {
  it("gives a child's complete lines when drained, keeps a partial line for the next drain, and removes its FIFO on close", async () => {
    const fifo = new LineFifo();
    const child = spawn('sh', ['-c', 'printf "one\\ntwo\\nthr"; sleep 1; printf "ee\\n"'], { stdio: ['ignore', fifo.childEnd, 'ignore'] });
    fifo.childStarted();
    const lines: string[] = [];
    fifo.drain((line) => lines.push(line)); // nothing written yet, or the first part: never blocks
    await waitFor(
      'the first two lines',
      () => {
        fifo.drain((line) => lines.push(line));
        return lines.length >= 2 || undefined;
      },
      900,
      10,
    );
    assert.deepEqual(lines, ['one', 'two'], 'the partial third line is held back');
    await once(child, 'exit');
    fifo.drain((line) => lines.push(line));
    fifo.drain((line) => lines.push(line)); // the child is gone: nothing more, no error
    assert.deepEqual(lines, ['one', 'two', 'three']);
    assert.ok(existsSync(fifo.path));
    fifo.close();
    assert.equal(existsSync(fifo.path), false);
  });
});
