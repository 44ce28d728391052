import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectivePolicy, healMode, isMonitored, policyProblem } from '../../agent/policy/policy.js';
import { readLabels } from '../../agent/policy/policy-labels.js';

const host = { threshold: 60, stopTimeoutSec: 2, restartLimit: 5 };

describe('labels', () => {
  it('reads every watchdog label', () => {
    assert.deepEqual(
      readLabels({
        'watchdog.monitor': 'true',
        'watchdog.threshold': '20',
        'watchdog.stop-timeout': '30',
        'watchdog.restart-limit': '2',
        'watchdog.action': 'notify',
      }),
      {
        monitor: true,
        policy: { threshold: 20, stopTimeoutSec: 30, restartLimit: 2, action: 'notify' },
        problems: [],
      },
    );
    assert.equal(readLabels({ 'watchdog.monitor': 'FALSE' }).monitor, false);
    assert.deepEqual(readLabels(undefined), { monitor: undefined, policy: {}, problems: [] });
  });

  it('names each wrong value, with the rule, and ignores it', () => {
    const read = readLabels({
      'watchdog.monitor': 'yes please',
      'watchdog.threshold': '150',
      'watchdog.stop-timeout': '1.5',
      'watchdog.restart-limit': '0',
      'watchdog.action': 'reboot',
    });
    assert.deepEqual(read.policy, {});
    assert.equal(read.monitor, undefined);
    assert.deepEqual(read.problems, [
      'watchdog.monitor: must be true or false (got "yes please")',
      'watchdog.threshold: must be a number from 0 to 100 (got "150")',
      'watchdog.stop-timeout: must be whole seconds from 0 to 300 (got "1.5")',
      'watchdog.restart-limit: must be a whole number from 1 to 1000 (got "0")',
      'watchdog.action: must be restart, notify or none (got "reboot")',
    ]);
    assert.deepEqual(
      readLabels({ 'watchdog.threshold': 'abc', 'watchdog.action': 'none' }).policy,
      { action: 'none' },
      'the good ones still apply',
    );
  });
});

describe('effective policy', () => {
  it('takes each value from the API, else the label, else (stop grace) the container, else the host', () => {
    assert.deepEqual(effectivePolicy(undefined, {}, undefined, host), {
      threshold: { value: 60, source: 'host' },
      stopTimeoutSec: { value: 2, source: 'host' },
      restartLimit: { value: 5, source: 'host' },
      action: { value: 'restart', source: 'host' },
      onExhausted: { value: 'backoff', source: 'host' },
    });
    assert.deepEqual(effectivePolicy(undefined, {}, 1, host).stopTimeoutSec, { value: 1, source: 'container' });
    assert.deepEqual(effectivePolicy(undefined, { stopTimeoutSec: 30, threshold: 20 }, 1, host).stopTimeoutSec, {
      value: 30,
      source: 'label',
    });
    const both = effectivePolicy({ threshold: 10, action: 'notify' }, { threshold: 20, restartLimit: 2 }, 1, host);
    assert.deepEqual(both.threshold, { value: 10, source: 'api' });
    assert.deepEqual(both.restartLimit, { value: 2, source: 'label' });
    assert.deepEqual(both.action, { value: 'notify', source: 'api' });
    assert.deepEqual(
      effectivePolicy({ stopTimeoutSec: 0 }, {}, 9, host).stopTimeoutSec,
      { value: 0, source: 'api' },
      '0 is a value, not absence',
    );
  });

  it('monitors by the API word first, then the label', () => {
    assert.equal(isMonitored(undefined, true), true);
    assert.equal(isMonitored(false, true), false);
    assert.equal(isMonitored(true, false), true);
    assert.equal(isMonitored(undefined, undefined), false);
  });

  it('a heal is done, told, or dropped', () => {
    assert.equal(healMode('restart', false), 'act');
    assert.equal(healMode('notify', false), 'notify');
    assert.equal(healMode('restart', true), 'dry-run');
    assert.equal(healMode('notify', true), 'dry-run');
    assert.equal(healMode('none', true), 'none');
  });

  it('checks a policy from outside', () => {
    assert.equal(policyProblem({ threshold: 5, action: 'none' }), null);
    assert.equal(policyProblem({}), null);
    assert.match(policyProblem({ threshold: 101 }) ?? '', /^threshold: must be a number from 0 to 100/);
    assert.match(policyProblem({ grace: 1 }) ?? '', /^grace: not a policy field/);
    assert.match(policyProblem([]) ?? '', /must be an object/);
  });
});
