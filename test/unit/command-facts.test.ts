import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factsOf } from '../../agent/commands/command-facts.js';

describe('what the agent says of each command', () => {
  it('a query has no lane; commands about one container share its lane; the threshold and the mode each have their own', () => {
    assert.equal(factsOf({ kind: 'list_request' }).lane, null);
    const monitor = factsOf({ kind: 'actives', hostname: 'h', name: 'web', monitored: true });
    const policy = factsOf({ kind: 'policy', hostname: 'h', name: 'web', policy: { threshold: 5 } });
    assert.equal(monitor.lane, 'container web');
    assert.equal(policy.lane, monitor.lane);
    assert.equal(factsOf({ kind: 'threshold', threshold: 40 }).lane, 'threshold');
    assert.equal(factsOf({ kind: 'mode', dryRun: true }).lane, 'mode');
  });

  it('says each command in a few words for its event, naming its container', () => {
    assert.deepEqual(
      [
        factsOf({ kind: 'threshold', threshold: 40 }).detail,
        factsOf({ kind: 'actives', hostname: 'h', name: 'web', monitored: false }).detail,
        factsOf({ kind: 'policy', hostname: 'h', name: 'web', policy: { threshold: 5, action: 'notify' } }).detail,
        factsOf({ kind: 'policy', hostname: 'h', name: 'web', policy: {} }).detail,
        factsOf({ kind: 'mode', dryRun: false }).detail,
      ],
      ['threshold 40%', 'unmonitor web', 'policy of web: threshold 5, action notify', 'policy of web removed', 'heal (dry run off)'],
    );
    assert.equal(factsOf({ kind: 'policy', hostname: 'h', name: 'web', policy: {} }).container, 'web');
  });
});
