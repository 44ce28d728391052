import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseFault, isTarget, type Candidate, type Targeting } from '../../antagonist/choose.js';

const container = (name: string, labels: Record<string, string> = {}, running = true): Candidate => ({
  id: `${name}-0123456789abcdef`,
  name,
  running,
  labels,
});
const byLabel: Targeting = { label: 'watchdog.target', pattern: null, ownId: null };

describe('antagonist target selection', () => {
  it('targets running containers with the label', () => {
    assert.equal(isTarget(container('d1', { 'watchdog.target': 'dummy' }), byLabel), true);
    assert.equal(isTarget(container('d1'), byLabel), false);
    assert.equal(isTarget(container('d1', { 'watchdog.target': 'dummy' }, false), byLabel), false);
  });

  it('matches a key=value label exactly', () => {
    const targeting = { ...byLabel, label: 'watchdog.target=chaos' };
    assert.equal(isTarget(container('d1', { 'watchdog.target': 'chaos' }), targeting), true);
    assert.equal(isTarget(container('d1', { 'watchdog.target': 'dummy' }), targeting), false);
  });

  it('never targets the broker, control, an agent or itself, whatever the label says', () => {
    for (const role of ['broker', 'control', 'agent', 'antagonist']) {
      assert.equal(isTarget(container('x', { 'watchdog.target': '', 'watchdog.role': role }), byLabel), false, role);
    }
    const self = container('me', { 'watchdog.target': '' });
    assert.equal(isTarget(self, { ...byLabel, ownId: self.id.slice(0, 12) }), false);
  });

  it('filters by name pattern', () => {
    const targeting: Targeting = { label: null, pattern: /^dummy-/, ownId: null };
    assert.equal(isTarget(container('dummy-1'), targeting), true);
    assert.equal(isTarget(container('db'), targeting), false);
  });

  it('picks a target and a fault with the given randomness, loss within the range', () => {
    const candidates = [container('a', { 'watchdog.target': '' }), container('b', { 'watchdog.target': '' }), container('c')];
    const values = [0.99, 0.99, 0.5];
    const fault = chooseFault(candidates, byLabel, ['stop', 'loss'], { min: 20, max: 100 }, () => values.shift() ?? 0);
    assert.equal(fault?.target.name, 'b');
    assert.equal(fault?.kind, 'loss');
    assert.equal(fault?.lossPercent, 60);
    assert.equal(chooseFault([container('c')], byLabel, ['stop'], { min: 20, max: 100 }, Math.random), null);
  });
});
