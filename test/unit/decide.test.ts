import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confirmSameInstance, judgeContainer, judgeProbe, reactToEvent, reasonOf } from '../../agent/judging/decide.js';

const running = { id: 'x', name: 'web', running: true, status: 'running', ip: '10.0.0.2', startedAt: 't0' };
const probe = (lossPercent: number) => ({ sent: 5, received: 5, lossPercent, rttMs: 0.1 });

describe('judgeContainer', () => {
  it('skips a container that is not on this host', () => {
    assert.deepEqual(judgeContainer(null), { verdict: 'absent', action: 'none', reason: 'no such container on this host' });
  });
  it('starts a container that is not running, naming its status', () => {
    const verdict = judgeContainer({ ...running, running: false, status: 'exited', ip: null });
    assert.equal(verdict.action, 'start');
    assert.equal(verdict.verdict, 'down');
    assert.match('reason' in verdict ? verdict.reason : '', /exited/);
  });
  it('starts a running container that has no IP address', () => {
    assert.equal(judgeContainer({ ...running, ip: null }).verdict, 'no-ip');
    assert.equal(judgeContainer({ ...running, ip: null }).action, 'start');
  });
  it('probes a running container at its address', () => {
    assert.deepEqual(judgeContainer(running), { verdict: 'running', action: 'probe', ip: '10.0.0.2' });
  });
});

describe('judgeProbe', () => {
  it('restarts when loss is strictly above the threshold', () => {
    const verdict = judgeProbe(probe(80), 60);
    assert.equal(verdict.action, 'restart');
    assert.equal('reason' in verdict && verdict.reason, 'loss 80% > threshold 60%');
  });
  it('leaves a container whose loss equals the threshold', () => {
    assert.equal(judgeProbe(probe(60), 60).action, 'none');
    assert.equal(judgeProbe(probe(100), 100).action, 'none');
  });
  it('restarts just above the threshold', () => {
    assert.equal(judgeProbe(probe(60.01), 60).action, 'restart');
  });
  it('leaves a healthy container and says why', () => {
    const verdict = judgeProbe(probe(0), 60);
    assert.equal(verdict.verdict, 'ok');
    assert.equal('reason' in verdict && verdict.reason, 'loss 0% <= threshold 60%');
  });
  it('threshold 0 restarts on any loss', () => {
    assert.equal(judgeProbe(probe(20), 0).action, 'restart');
    assert.equal(judgeProbe(probe(0), 0).action, 'none');
  });
});

describe('confirmSameInstance', () => {
  const lossy = judgeProbe(probe(100), 60);
  it('keeps a restart verdict for the instance that was probed', () => {
    assert.deepEqual(confirmSameInstance(lossy, 't0', running, false), lossy);
  });
  it('vetoes it when the container was restarted, stopped or is being healed since the probe began', () => {
    for (const [now, healing] of [
      [{ ...running, startedAt: 't1' }, false],
      [{ ...running, running: false }, false],
      [null, false],
      [running, true],
    ] as const) {
      const judged = confirmSameInstance(lossy, 't0', now, healing);
      assert.equal(judged.verdict, 'changed');
      assert.equal(judged.action, 'none');
      assert.match(reasonOf(judged), /restarted during the probe/);
    }
  });
  it('leaves any other verdict alone', () => {
    const ok = judgeProbe(probe(0), 60);
    assert.deepEqual(confirmSameInstance(ok, 't0', null, true), ok);
  });
});

describe('reactToEvent', () => {
  const event = (action: string) => ({ action, name: 'web', id: 'x' });
  it('a monitored container that died is made to run; one reported unhealthy is restarted', () => {
    assert.deepEqual(reactToEvent(event('die'), true), { react: 'ensure-running', trigger: 'event: die' });
    assert.equal(reactToEvent(event('health_status: unhealthy'), true).react, 'restart');
  });
  it('ignores other events and every event of an unmonitored container', () => {
    for (const action of ['start', 'stop', 'kill', 'health_status: healthy'])
      assert.equal(reactToEvent(event(action), true).react, 'ignore');
    assert.equal(reactToEvent(event('die'), false).react, 'ignore');
  });
  it('does not start a container that is being healed: judgeContainer says so first', () => {
    assert.deepEqual(judgeContainer(null, true), { verdict: 'healing', action: 'none', reason: 'a start or restart is under way' });
  });
});
