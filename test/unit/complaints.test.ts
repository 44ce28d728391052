import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Complaints } from '../../bus/complaints.js';

describe('Complaints', () => {
  it('logs the first from a sender, counts the rest, and tells the count once the window ends', () => {
    const complaints = new Complaints(60_000);
    const logged = [];
    for (let i = 0; i < 10_000; i++) {
      const line = complaints.note('heartbeat agent-x', `bad heartbeat ${i}`, i);
      if (line) logged.push(line);
    }
    assert.deepEqual(logged, ['bad heartbeat 0']);
    assert.deepEqual(complaints.due(59_999), [], 'the window has not ended');
    assert.deepEqual(complaints.due(60_000), ['9999 more like this in the last 60 s; the last: bad heartbeat 9999']);
    assert.deepEqual(complaints.due(120_000), [], 'a quiet window says nothing');
    assert.equal(complaints.note('heartbeat agent-x', 'again', 130_000), 'again', 'a sender quiet for a window is told at once again');
  });

  it('keeps senders apart and bounds how many it tracks', () => {
    const complaints = new Complaints(60_000, 2);
    assert.equal(complaints.note('a', 'from a', 0), 'from a');
    assert.equal(complaints.note('b', 'from b', 0), 'from b');
    assert.equal(complaints.note('c', 'from c', 0), 'from c', 'the first of the overflow is told');
    assert.equal(complaints.note('d', 'from d', 0), null, 'the rest of the overflow is counted together');
    assert.deepEqual(complaints.due(60_000), ['1 more like this in the last 60 s; the last: from d']);
  });
});
