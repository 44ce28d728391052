import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Healer } from '../../agent/healing/healer.js';
import { ContainerResults } from '../../agent/container-results.js';
import { freshStreak, observeProbe } from '../../agent/judging/probe-streak.js';
import { effectivePolicy, policyProblem } from '../../agent/policy/policy.js';
import { readLabels } from '../../agent/policy/policy-labels.js';
import { describeProbe, readApiProbe, readProbeLabels, type ProbeSpec } from '../../agent/policy/probe-labels.js';
import type { ServiceProbeResult } from '../../agent/probing/service-probe.js';
import { CheckLog } from '../../agent/verdicts/check-log.js';
import { ServiceProbes } from '../../agent/verdicts/service-probes.js';
import { FakeClock, FakeRuntime, RecordingLog, settleUntil } from '../support/fakes.js';

describe('service probe labels (Kubernetes meanings and defaults)', () => {
  it('reads http and tcp probes with their defaults, and their settings', () => {
    assert.deepEqual(readProbeLabels({ 'watchdog.probe': 'http://:8080/health?deep=1' }), {
      probe: {
        kind: 'http',
        port: 8080,
        path: '/health?deep=1',
        periodMs: 10_000,
        timeoutMs: 1000,
        failures: 3,
        successes: 1,
        startPeriodMs: 0,
      },
      problems: [],
    });
    const tcp = readProbeLabels({
      'watchdog.probe': 'tcp://:5432',
      'watchdog.probe.period': '2',
      'watchdog.probe.timeout': '0.5',
      'watchdog.probe.failures': '5',
      'watchdog.probe.successes': '2',
    });
    assert.deepEqual(tcp.probe, {
      kind: 'tcp',
      port: 5432,
      path: '/',
      periodMs: 2000,
      timeoutMs: 500,
      failures: 5,
      successes: 2,
      startPeriodMs: 0,
    });
    assert.equal(readProbeLabels({ 'watchdog.probe': 'tcp://:1', 'watchdog.start-period': '30' }).probe?.startPeriodMs, 30_000);
    assert.deepEqual(readProbeLabels({ 'watchdog.probe': 'icmp' }), { problems: [] }, 'icmp: loss only, as without the label');
    const exec = readProbeLabels({ 'watchdog.probe': 'exec: pg_isready -U postgres' }).probe;
    assert.deepEqual([exec?.kind, exec?.command], ['exec', 'pg_isready -U postgres']);
    assert.equal(exec && describeProbe(exec, '10.0.0.2'), 'exec "pg_isready -U postgres"');
  });

  it('a wrong label is a problem, named, and the rest falls back', () => {
    assert.deepEqual(readProbeLabels({ 'watchdog.probe': 'ftp://:21' }).problems, [
      'watchdog.probe: must be icmp, http://:<port>/<path>, tcp://:<port> or exec:<command> (got "ftp://:21")',
    ]);
    const bad = readProbeLabels({ 'watchdog.probe': 'http://:80/', 'watchdog.probe.failures': 'many' });
    assert.equal(bad.probe?.failures, 3);
    assert.deepEqual(bad.problems, ['watchdog.probe.failures: must be a number from 1 to 100 (got "many")']);
    assert.deepEqual(
      readLabels({ 'watchdog.probe': 'tcp://:99999' }).problems,
      ['watchdog.probe: must be icmp, http://:<port>/<path>, tcp://:<port> or exec:<command> (got "tcp://:99999")'],
      'told with the other label problems',
    );
  });
});

describe('a service probe set through the API (policy.probe)', () => {
  it('is read as its labels would be; icmp is none; a wrong field is named as the API names it', () => {
    assert.deepEqual(readApiProbe({ probe: 'http://:8080/health', periodSec: 2, failures: 2, expectStatus: 204 }).probe, {
      kind: 'http',
      port: 8080,
      path: '/health',
      periodMs: 2000,
      timeoutMs: 1000,
      failures: 2,
      successes: 1,
      startPeriodMs: 0,
      expectStatus: 204,
    });
    assert.deepEqual(readApiProbe({ probe: 'icmp' }), { problems: [] });
    assert.match(
      readApiProbe({ probe: 'ftp://:21' }).problems[0] ?? '',
      /^probe\.probe: must be icmp, http:\/\/:<port>\/<path>, tcp:\/\/:<port> or exec:<command>/,
    );
    assert.match(
      readApiProbe({ probe: 'tcp://:5432', expectBody: 'ok' }).problems[0] ?? '',
      /^probe\.expectStatus and probe\.expectBody: only for an http probe/,
    );
  });

  it('a policy with a wrong probe is refused, naming it; a label probe shows in the effective policy in the API words', () => {
    assert.equal(policyProblem({ probe: { probe: 'exec:true', failures: 2 } }), null);
    assert.match(policyProblem({ probe: { probe: 'exec:true', failures: 0 } }) ?? '', /^probe: /);
    assert.match(policyProblem({ probe: { probe: 'tcp://:99999' } }) ?? '', /^probe\.probe: must be/);
    const labels = readLabels({ 'watchdog.probe': 'tcp://:5432', 'watchdog.probe.period': '5' });
    const host = { threshold: 60, stopTimeoutSec: 10, restartLimit: 5 };
    assert.deepEqual(effectivePolicy(undefined, labels.policy, undefined, host).probe, {
      value: { probe: 'tcp://:5432', periodSec: 5, timeoutSec: 1, failures: 3, successes: 1 },
      source: 'label',
    });
    assert.deepEqual(effectivePolicy({ probe: { probe: 'icmp' } }, labels.policy, undefined, host).probe, {
      value: { probe: 'icmp' },
      source: 'api',
    });
    assert.equal(effectivePolicy(undefined, {}, undefined, host).probe, undefined, 'none: ICMP only, not shown');
  });
});

describe('probe streaks', () => {
  const rule = { failures: 3, successes: 2 };
  it('restarts after failures in a row; a success in between starts the count again', () => {
    let streak = freshStreak();
    const step = (ok: boolean): string => {
      const next = observeProbe(streak, ok, rule);
      streak = next.streak;
      return next.verdict;
    };
    assert.deepEqual([false, false, true, false, false].map(step), ['failing', 'failing', 'ok', 'failing', 'failing']);
    assert.equal(step(false), 'restart');
  });
  it('once failing, well again only after successes in a row', () => {
    let streak = observeProbe(observeProbe(freshStreak(), false, { failures: 1, successes: 2 }).streak, true, {
      failures: 1,
      successes: 2,
    });
    assert.equal(streak.verdict, 'failing');
    streak = observeProbe(streak.streak, true, { failures: 1, successes: 2 });
    assert.equal(streak.verdict, 'recovered');
  });
});

describe('service probes beside the loss verdict', () => {
  let clock: FakeClock;
  let runtime: FakeRuntime;
  let log: RecordingLog;
  let results: { name: string; ok: boolean }[];
  let answers: boolean[];
  const spec: ProbeSpec = {
    kind: 'http',
    port: 8080,
    path: '/health',
    periodMs: 5000,
    timeoutMs: 1000,
    failures: 3,
    successes: 1,
    startPeriodMs: 0,
  };

  beforeEach(() => {
    clock = new FakeClock();
    runtime = new FakeRuntime();
    log = new RecordingLog();
    results = [];
    answers = [];
  });

  const probes = (probeOf: (name: string) => ProbeSpec | undefined = () => spec) => {
    const healer = new Healer(runtime, clock, log, {
      stopTimeoutSec: 2,
      restartPolicy: { maxRestarts: 3, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 40_000 },
    });
    const parts = {
      clock,
      healer,
      results: new ContainerResults(),
      checks: new CheckLog(log),
      thresholdOf: () => 60,
      startPeriodOf: () => 0,
      current: (name: string) => runtime.inspect(name),
      inspect: (name: string) => runtime.inspect(name),
    };
    const probe = (_spec: ProbeSpec, { ip }: { name: string; ip: string }): Promise<ServiceProbeResult> => {
      const ok = answers.shift() ?? true;
      results.push({ name: ip, ok });
      return Promise.resolve(ok ? { ok, detail: 'HTTP 200' } : { ok, detail: 'HTTP 500' });
    };
    return new ServiceProbes(parts, probeOf, probe);
  };

  const running = (name: string) => {
    const c = runtime.containers.get(name);
    assert.ok(c?.ip);
    return [{ name, id: c.id, pid: undefined, ip: c.ip, startedAt: c.startedAt }];
  };

  it('probes at its period, and restarts the instance after three failures in a row, naming the probe and what it saw', async () => {
    runtime.add('web');
    const p = probes();
    answers = [false, false, false];
    for (let i = 0; i < 3; i++) {
      await p.cycle(running('web'));
      await settleUntil(`probe ${i + 1} judged`, () => results.length === i + 1);
      if (i < 2) {
        await p.cycle(running('web')); // within the period: not probed again
        assert.equal(results.length, i + 1);
      }
      clock.advance(5000);
    }
    await settleUntil('the restart', () => runtime.calls.length > 0);
    assert.deepEqual(runtime.calls, ['restart web t=2']);
    const heal = log.of('web', 'action').at(-1)?.fields;
    assert.equal(heal?.['trigger'], 'probe');
    assert.match(String(heal?.['reason']), /^http probe http:\/\/10\.0\.0\.\d+:8080\/health failed 3 times in a row: HTTP 500$/);
  });

  it('a start period: failures before the first success are not counted; never healthy when it ends, the instance is restarted once', async () => {
    runtime.add('slow', { startedAt: new Date(clock.now()).toISOString() });
    const p = probes(() => ({ ...spec, startPeriodMs: 20_000 }));
    answers = [false, false, false, false, false];
    for (let i = 0; i < 4; i++) {
      await p.cycle(running('slow'));
      await settleUntil('judged', () => log.of('slow', 'check').length === i + 1);
      clock.advance(5000);
    }
    assert.deepEqual(runtime.calls, [], 'four failures within 20 s of its start: not counted');
    assert.equal(log.of('slow', 'check').at(-1)?.fields['verdict'], 'starting');
    await p.cycle(running('slow')); // 20 s after its start, still never healthy
    await settleUntil('the restart', () => runtime.calls.length > 0);
    assert.match(String(log.of('slow', 'action').at(-1)?.fields['reason']), /never passed within its start period of 20 s: HTTP 500$/);
  });

  it('with a start period, a container that passed once is judged as any other from then on', async () => {
    runtime.add('quick', { startedAt: new Date(clock.now()).toISOString() });
    const p = probes(() => ({ ...spec, startPeriodMs: 60_000 }));
    answers = [true, false, false, false];
    for (let i = 0; i < 4; i++) {
      await p.cycle(running('quick'));
      await settleUntil('probed', () => results.length === i + 1);
      clock.advance(5000);
    }
    await settleUntil('the restart', () => runtime.calls.length > 0);
    assert.match(String(log.of('quick', 'action').at(-1)?.fields['reason']), /failed 3 times in a row/);
  });

  it('a container without a probe label is never probed; a new instance starts its streak afresh', async () => {
    runtime.add('plain');
    runtime.add('web');
    const p = probes((name) => (name === 'web' ? spec : undefined));
    answers = [false, false];
    await p.cycle(running('plain'));
    assert.equal(results.length, 0);
    for (let i = 0; i < 2; i++) {
      await p.cycle(running('web'));
      await settleUntil('judged', () => results.length === i + 1);
      clock.advance(5000);
    }
    runtime.restartedElsewhere('web'); // a new instance: its two failures are not carried over
    answers = [false];
    await p.cycle(running('web'));
    await settleUntil('judged', () => results.length === 3);
    assert.deepEqual(runtime.calls, []);
  });
});
