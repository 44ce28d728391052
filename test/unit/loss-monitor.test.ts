import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoopProber } from '../../agent/probing/loop-prober.js';
import { planPool, steadyPeriodFor } from '../../agent/probing/pool-plan.js';
import { parseLoopLine, ProbeLedger, type LoopLine } from '../../agent/probing/probe-ledger.js';
import { LossMonitor, type Verdict } from '../../agent/judging/loss-monitor.js';
import { FakeClock } from '../support/fakes.js';

class RecordingProber implements LoopProber {
  readonly calls: { steady: string[]; fast: string[] }[] = [];
  setTargets(steady: readonly string[], fast: readonly string[]): void {
    this.calls.push({ steady: [...steady].sort(), fast: [...fast] });
  }
  close(): void {}
  get last() {
    return this.calls.at(-1);
  }
}

const settings = { delta: 10, falseRate: 0.01, missRate: 0.01, fastRatePerSecond: 24 };

function setup() {
  const clock = new FakeClock();
  const prober = new RecordingProber();
  const verdicts: Verdict[] = [];
  const monitor = new LossMonitor(
    settings,
    () => 60,
    clock,
    prober,
    (v) => verdicts.push(v),
  );
  return { clock, prober, verdicts, monitor };
}

describe('LossMonitor', () => {
  it('counts a probe only for the instance watched when it was sent, and nothing after a lossy verdict until the instance is watched afresh', () => {
    const { clock, verdicts, monitor } = setup();
    clock.advance(10_000);
    monitor.watchOne({ name: 'web', ip: '10.0.0.2', startedAt: 'new' });
    monitor.outcome({ ip: '10.0.0.2', lost: false, rttMs: 0.1, sentAt: clock.now() }); // it answers: its losses count from now
    for (let i = 0; i < 40; i++) monitor.outcome({ ip: '10.0.0.2', lost: true, rttMs: null, sentAt: clock.now() - 1 });
    assert.equal(verdicts.length, 0, 'losses of probes sent to the old instance do not count for the new one');
    for (let i = 0; i < 60; i++) monitor.outcome({ ip: '10.0.0.2', lost: true, rttMs: null, sentAt: clock.now() });
    assert.deepEqual(
      verdicts.map((v) => v.decision),
      ['lossy'],
      'one verdict; the probes after it wait for the watchdog',
    );
    monitor.watch([{ name: 'web', ip: '10.0.0.2', startedAt: 'new' }]);
    clock.advance(2000); // no answer, but the start-up grace is over
    for (let i = 0; i < 30; i++) monitor.outcome({ ip: '10.0.0.2', lost: true, rttMs: null, sentAt: clock.now() });
    assert.deepEqual(
      verdicts.map((v) => v.decision),
      ['lossy', 'lossy'],
      'watched afresh (say, its restart was refused), it is judged again',
    );
  });

  it('probes a container fast at the first hint of loss, before any probe of it is settled, and the hint changes no test', () => {
    const { prober, verdicts, monitor } = setup();
    monitor.watch([{ name: 'web', ip: '10.0.0.2', startedAt: 'a' }]);
    monitor.hint('10.0.0.2');
    assert.deepEqual(prober.last?.fast, ['10.0.0.2']);
    monitor.hint('10.0.0.99');
    assert.deepEqual(prober.last?.fast, ['10.0.0.2'], 'an address it does not watch changes nothing');
    for (let i = 0; i < 100; i++) monitor.hint('10.0.0.2');
    assert.deepEqual(verdicts, [], 'hints are not outcomes');
  });

  it('probes every watched container steadily, and one fast from its first lost reply until 5 s without a sign of loss', () => {
    const { clock, prober, monitor } = setup();
    monitor.watch([
      { name: 'web', ip: '10.0.0.2', startedAt: 'a' },
      { name: 'db', ip: '10.0.0.3', startedAt: 'a' },
    ]);
    assert.deepEqual(prober.last, { steady: ['10.0.0.2', '10.0.0.3'], fast: [] });
    monitor.outcome({ ip: '10.0.0.3', lost: false, rttMs: 0.1 });
    monitor.outcome({ ip: '10.0.0.3', lost: true, rttMs: null });
    assert.deepEqual(prober.last?.fast, ['10.0.0.3']);
    const calls = prober.calls.length;
    for (let i = 0; i < 10; i++) {
      clock.advance(250);
      monitor.outcome({ ip: '10.0.0.3', lost: false, rttMs: 0.1 });
    }
    assert.equal(prober.calls.length, calls, 'no change while it stays fast');
    for (let i = 0; i < 12; i++) {
      clock.advance(250);
      monitor.outcome({ ip: '10.0.0.3', lost: false, rttMs: 0.1 });
    }
    assert.deepEqual(prober.last?.fast, [], 'calm again');
  });

  it('hands over a verdict with its explanation and the replies round-trip times, about the instance it judged', () => {
    const { clock, verdicts, monitor } = setup();
    monitor.watch([{ name: 'web', ip: '10.0.0.2', startedAt: 'first' }]);
    for (let i = 0; i < 30 && verdicts.length === 0; i++) {
      clock.advance(250);
      monitor.outcome({ ip: '10.0.0.2', lost: false, rttMs: 0.1 + i / 100 });
    }
    const ok = verdicts[0];
    assert.equal(ok?.decision, 'ok');
    assert.equal(ok?.startedAt, 'first');
    assert.equal(ok?.explanation.lossPercent, 0);
    assert.equal(ok?.rtt?.min, 0.1);
    for (let i = 0; i < 40 && verdicts.length === 1; i++) monitor.outcome({ ip: '10.0.0.2', lost: true, rttMs: null });
    assert.equal(verdicts[1]?.decision, 'lossy');
    assert.equal(verdicts[1]?.explanation.rule, 'silence');
    assert.equal(verdicts[1]?.rtt, null, 'no reply in that test');
  });

  it('does not count a new instance silent until it answered once or the start-up grace passed', () => {
    const { clock, verdicts, monitor } = setup();
    monitor.watchOne({ name: 'web', ip: '10.0.0.2', startedAt: 'restarted' });
    for (let i = 0; i < 60; i++) monitor.outcome({ ip: '10.0.0.2', lost: true, rttMs: null, sentAt: clock.now() });
    assert.equal(verdicts.length, 0, 'its first 2 s of silence do not count');
    clock.advance(2000);
    for (let i = 0; i < 30; i++) monitor.outcome({ ip: '10.0.0.2', lost: true, rttMs: null, sentAt: clock.now() });
    assert.deepEqual(
      verdicts.map((v) => v.decision),
      ['lossy'],
      'still silent after the grace: judged',
    );
  });

  it('starts a fresh test for a new instance, and ignores addresses it does not watch', () => {
    const { verdicts, monitor } = setup();
    monitor.watch([{ name: 'web', ip: '10.0.0.2', startedAt: 'first' }]);
    for (let i = 0; i < 20; i++) monitor.outcome({ ip: '10.0.0.2', lost: true, rttMs: null });
    monitor.watch([{ name: 'web', ip: '10.0.0.2', startedAt: 'second' }]);
    for (let i = 0; i < 5; i++) monitor.outcome({ ip: '10.0.0.2', lost: true, rttMs: null });
    monitor.outcome({ ip: '10.0.0.99', lost: true, rttMs: null });
    assert.equal(verdicts.length, 0, 'the losses of the old instance do not count for the new one');
  });
});

describe('fping loop output', () => {
  it('reads replies and timeouts', () => {
    assert.deepEqual(parseLoopLine('172.17.0.2   : [3], 64 bytes, 0.046 ms (0.046 avg, 0% loss)'), {
      ip: '172.17.0.2',
      round: 3,
      lost: false,
      rttMs: 0.046,
    });
    assert.deepEqual(parseLoopLine('172.17.0.250 : [0], timed out (NaN avg, 100% loss)'), {
      ip: '172.17.0.250',
      round: 0,
      lost: true,
      rttMs: null,
    });
    assert.equal(parseLoopLine('ICMP Host Unreachable from 172.17.0.1 for ICMP Echo sent to 172.17.0.9'), null);
  });
});

describe('fping pools', () => {
  const limits = { maxProcesses: 3, compactAllowed: true };
  const wanted = (...ips: string[]): Set<string> => new Set(ips);

  it('adds new targets as a new process and leaves running ones alone', () => {
    const plan = planPool([['a', 'b']], wanted('a', 'b', 'c'), limits);
    assert.deepEqual(plan, { start: ['c'], stop: [], compact: false, waiting: 0 });
  });

  it('stops a process none of whose targets is wanted, and keeps one that still has a wanted target', () => {
    const plan = planPool([['a', 'b'], ['c'], ['d', 'e']], wanted('a', 'd'), limits);
    assert.deepEqual(plan, { start: null, stop: [1], compact: false, waiting: 0 });
  });

  it('compacts into one process instead of exceeding the limit', () => {
    const plan = planPool([['a'], ['b'], ['c']], wanted('a', 'b', 'c', 'd'), limits);
    assert.deepEqual(plan, { start: ['a', 'b', 'c', 'd'], stop: [0, 1, 2], compact: true, waiting: 0 });
  });

  it('waits for compaction when it is not allowed yet, saying how many addresses wait', () => {
    const plan = planPool([['a'], ['b'], ['c']], wanted('a', 'b', 'c', 'd', 'e'), { ...limits, compactAllowed: false });
    assert.deepEqual(plan, { start: null, stop: [], compact: false, waiting: 2 });
  });

  it('compacts when most of what it probes is no longer wanted', () => {
    const many = Array.from({ length: 20 }, (_, i) => `10.0.0.${i}`);
    const plan = planPool([many], wanted('10.0.0.1', '10.0.0.2'), limits);
    assert.deepEqual(plan, { start: ['10.0.0.1', '10.0.0.2'], stop: [0], compact: true, waiting: 0 });
  });

  it('does nothing when every wanted address is probed', () => {
    assert.deepEqual(planPool([['a', 'b']], wanted('a', 'b'), limits), { start: null, stop: [], compact: false, waiting: 0 });
  });

  it('makes several processes one once the targets have settled', () => {
    assert.equal(planPool([['a', 'b'], ['c']], wanted('a', 'b', 'c'), limits).compact, false, 'not while they change');
    assert.deepEqual(planPool([['a', 'b'], ['c']], wanted('a', 'b', 'c'), { ...limits, settled: true }), {
      start: ['a', 'b', 'c'],
      stop: [0, 1],
      compact: true,
      waiting: 0,
    });
    assert.equal(planPool([['a', 'b', 'c']], wanted('a', 'b', 'c'), { ...limits, settled: true }).compact, false, 'one already');
  });
});

describe('probe budget', () => {
  it('keeps the configured period while the budget allows it', () => {
    assert.equal(steadyPeriodFor(1, 250, 1000, 250), 250);
    assert.equal(steadyPeriodFor(250, 250, 1000, 250), 250); // 250 x 4/s = 1,000/s
  });

  it('probes each container less often past the budget, in multiples of the period', () => {
    assert.equal(steadyPeriodFor(251, 250, 1000, 250), 500);
    assert.equal(steadyPeriodFor(480, 250, 1000, 250), 500);
    assert.equal(steadyPeriodFor(1000, 250, 1000, 250), 1000);
    assert.equal(steadyPeriodFor(5000, 250, 1000, 250), 5000);
    assert.equal(steadyPeriodFor(1000, 250, 4000, 250), 250);
  });

  it('comes down only with room to spare, so one container coming and going does not swap the period', () => {
    assert.equal(steadyPeriodFor(250, 250, 1000, 500), 500); // 251 -> 250 during a restart: stays
    assert.equal(steadyPeriodFor(228, 250, 1000, 500), 500);
    assert.equal(steadyPeriodFor(220, 250, 1000, 500), 250);
    assert.equal(steadyPeriodFor(900, 250, 1000, 1000), 1000);
    assert.equal(steadyPeriodFor(600, 250, 1000, 1000), 750);
  });
});

describe('probe ledger', () => {
  const reply = (ip: string, round: number, at?: number): LoopLine => ({
    ip,
    round,
    lost: false,
    rttMs: 0.05,
    ...(at === undefined ? {} : { at }),
  });
  const timeout = (ip: string, round: number): LoopLine => ({ ip, round, lost: true, rttMs: null });
  const lostOf = (settled: { outcomes: { ip: string; lost: boolean }[] }, ip: string) =>
    settled.outcomes
      .filter((o) => o.ip === ip)
      .map((o) => (o.lost ? 'lost' : 'reply'))
      .join(' ');
  const CANARY = 'canary';

  it('settles a round once the canary has answered a round settleLag rounds later: a probe with no reply is lost, without any timeout line', () => {
    const ledger = new ProbeLedger(['a', 'b'], 2, CANARY);
    for (let round = 0; round < 6; round++) {
      ledger.record(reply(CANARY, round), 1000);
      ledger.record(reply('a', round), 1000);
      if (round % 2 === 0) ledger.record(reply('b', round), 1000);
    }
    const settled = ledger.settleAll(); // heard up to round 5: rounds 0-3 settled
    assert.equal(lostOf(settled, 'a'), 'reply reply reply reply');
    assert.equal(lostOf(settled, 'b'), 'reply lost reply lost');
    assert.deepEqual(settled.gaps, []);
    assert.deepEqual(ledger.settleAll(), { outcomes: [], gaps: [] }, 'each probe is settled once');
  });

  it('counts nothing from a round the canary did not answer: the prober could not hear it (the "24 probes in 0 ms" of a backed-up prober)', () => {
    const ledger = new ProbeLedger(['a', 'b'], 1, CANARY);
    // Rounds 0-1 heard; rounds 2-25 not (fping deaf: no reply of anyone came); heard again from 26.
    for (const round of [0, 1]) {
      ledger.record(reply(CANARY, round), 1000);
      ledger.record(reply('a', round), 1000);
    }
    ledger.record(reply('b', 7), 1000); // a reply in a deaf round is no evidence either: the rounds kept are chosen by the prober alone
    for (let round = 26; round < 30; round++) ledger.record(reply(CANARY, round), 2000);
    const settled = ledger.settleAll(); // up to round 28
    assert.equal(lostOf(settled, 'a'), 'reply reply lost lost lost', 'rounds 0, 1 and 26-28: a never answered after round 1');
    assert.equal(lostOf(settled, 'b'), 'lost lost lost lost lost');
    assert.deepEqual(settled.gaps, [
      { ip: 'a', probes: 24 },
      { ip: 'b', probes: 24 },
    ]);
  });

  it('settles nothing while the canary is silent, whatever the targets say', () => {
    const ledger = new ProbeLedger(['a'], 1, CANARY);
    for (let round = 0; round < 40; round++) ledger.record(timeout('a', round), 1000);
    ledger.record(reply('a', 41), 1000);
    assert.deepEqual(ledger.settleAll(), { outcomes: [], gaps: [] });
  });

  it('counts every round a given-up process sent and never settled as a gap, replies included, once', () => {
    const ledger = new ProbeLedger(['a', 'b'], 1, CANARY);
    for (const round of [0, 1, 2]) ledger.record(reply(CANARY, round), 1000);
    ledger.record(reply('a', 0), 1000);
    assert.equal(ledger.settleAll().outcomes.length, 4, 'rounds 0-1 settled for both');
    // Deaf from round 3: only timeout lines (and a stray reply) come until the process is given up.
    for (let round = 3; round < 9; round++) ledger.record(timeout(CANARY, round), 1000);
    ledger.record(reply('b', 4), 1000);
    assert.deepEqual(
      ledger.abandon(),
      [
        { ip: 'a', probes: 7 },
        { ip: 'b', probes: 7 },
      ],
      'rounds 2-8 of each target',
    );
    assert.deepEqual(ledger.abandon(), [], 'each probe is counted once');
  });

  it('ignores timeout lines (they stop coming from fping after restarts) and a late reply for a settled round', () => {
    const ledger = new ProbeLedger(['a', 'b'], 2, CANARY);
    ledger.record(timeout('b', 0), 1000);
    for (let round = 0; round < 4; round++) ledger.record(reply(CANARY, round), 1000);
    assert.equal(lostOf(ledger.settleAll(), 'b'), 'lost lost');
    ledger.record(reply('b', 1), 1000);
    assert.equal(lostOf(ledger.settleAll(), 'b'), '', 'round 1 was settled as lost already');
  });

  it("says when each settled probe was sent: its round's canary reply, by fping's own timestamp when it gives one, less the round trip", () => {
    const ledger = new ProbeLedger(['a'], 1, CANARY);
    ledger.record(reply(CANARY, 0, 900), 1000); // printed at 900 by fping, read at 1000
    ledger.record(reply(CANARY, 1), 1060);
    ledger.record(reply(CANARY, 2), 1090);
    assert.deepEqual(
      ledger.settleAll().outcomes.map((o) => o.sentAt),
      [899.95, 1059.95],
    );
  });
});

describe('fping loop lines', () => {
  it('reads the timestamp fping -D puts before a line, and lines without one', () => {
    assert.deepEqual(parseLoopLine('[1796632255.99077] 127.0.0.1    : [1], 64 bytes, 0.087 ms (0.102 avg, 0% loss)'), {
      ip: '127.0.0.1',
      round: 1,
      lost: false,
      rttMs: 0.087,
      at: 1796632255991,
    });
    assert.deepEqual(parseLoopLine('[1796632255.90086] 10.255.255.1 : [0], timed out (NaN avg, 100% loss)'), {
      ip: '10.255.255.1',
      round: 0,
      lost: true,
      rttMs: null,
      at: 1796632255901,
    });
    assert.deepEqual(parseLoopLine('172.17.0.2 : [3], 64 bytes, 0.05 ms (0.05 avg, 0% loss)'), {
      ip: '172.17.0.2',
      round: 3,
      lost: false,
      rttMs: 0.05,
    });
    assert.equal(parseLoopLine('ICMP Port Unreachable from 21.4.7.21 for ICMP Echo sent to 10.255.255.1'), null);
  });
});
