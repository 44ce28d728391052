/**
 * Runs the sequential loss test of every running monitored container on the outcomes of the
 * continuous prober: keeps one test per container instance, decides which containers are probed
 * fast (while evidence of loss is building), and hands each verdict to the watchdog. Knows nothing
 * of Docker or fping; time comes from the clock.
 */
import type { Clock } from '../../shared/clock.js';
import type { LoopProber, ProbeGap, ProbeOutcome } from '../probing/loop-prober.js';
import { pathEvidenceOf, type PathEvidence } from './host-path.js';
import {
  freshTest,
  lossTestBounds,
  observe,
  observeGap,
  type LossExplanation,
  type LossTestBounds,
  type LossTestSettings,
  type LossTestState,
} from './loss-test.js';

export interface Watched {
  name: string;
  ip: string;
  /** Which instance: a new one gets a fresh test. */
  startedAt: string;
}

export interface Verdict {
  name: string;
  startedAt: string;
  decision: 'ok' | 'lossy';
  explanation: LossExplanation;
  /** Mean, min and max round-trip time of the test's replies, ms; null when none came. */
  rtt: { mean: number; min: number; max: number } | null;
}

/** Probed fast for this long after the last sign of loss (long enough not to start and stop a process every few probes). */
const FAST_FOR_MS = 5000;

/**
 * A newly watched instance's lost probes do not count until it has answered once or this long has
 * passed: right after a restart the host can still send to the old instance's link-layer address,
 * and the chaos test saw a second restart ordered on 0.65 s of such silence. A container silent
 * from its start is judged this much later.
 */
export const STARTUP_GRACE_MS = 2000;

interface Entry extends Watched {
  state: LossTestState;
  fastUntil: number;
  rtts: number[];
  /** Probes sent before this belong to an earlier instance (or another container at this address). */
  watchedAt: number;
  /** A lossy verdict was given: nothing more until the watchdog forgets or watches it afresh. */
  decided: boolean;
  /** This instance has answered a probe. */
  answered: boolean;
}

export class LossMonitor {
  private readonly byIp = new Map<string, Entry>();
  private readonly byName = new Map<string, Entry>();
  private fastKey = '';
  private lastSweep = 0;
  /** The test's bounds per threshold: containers can have thresholds of their own. */
  private readonly boundsByThreshold = new Map<number, LossTestBounds>();

  constructor(
    private readonly settings: Omit<LossTestSettings, 'threshold'>,
    /** The container's loss threshold, read for every probe (it may change at any time). */
    private readonly threshold: (name: string) => number,
    private readonly clock: Clock,
    private readonly prober: LoopProber,
    private readonly onVerdict: (verdict: Verdict) => void,
  ) {}

  /** The running monitored containers, as the last check cycle found them. */
  watch(targets: readonly Watched[]): void {
    const now = this.clock.now();
    const keep = new Set(targets.map((t) => t.name));
    for (const [name, entry] of this.byName) {
      if (!keep.has(name)) this.drop(name, entry);
    }
    for (const t of targets) {
      const entry = this.byName.get(t.name);
      if (entry && entry.ip === t.ip && entry.startedAt === t.startedAt && !entry.decided) continue;
      if (entry) this.drop(t.name, entry);
      const fresh: Entry = { ...t, state: freshTest(now), fastUntil: 0, rtts: [], watchedAt: now, decided: false, answered: false };
      this.byName.set(t.name, fresh);
      this.byIp.set(t.ip, fresh);
    }
    this.applyRates(true);
  }

  /** One container's new instance, without waiting for the next cycle. */
  watchOne(target: Watched): void {
    const entry = this.byName.get(target.name);
    if (entry) this.drop(target.name, entry);
    const fresh: Entry = {
      ...target,
      state: freshTest(this.clock.now()),
      fastUntil: 0,
      rtts: [],
      watchedAt: this.clock.now(),
      decided: false,
      answered: false,
    };
    this.byName.set(target.name, fresh);
    this.byIp.set(target.ip, fresh);
    this.applyRates(true);
  }

  /** After a restart: the instance is gone, so is its test; the next cycle watches the new one. */
  forget(name: string): void {
    const entry = this.byName.get(name);
    if (entry) this.drop(name, entry);
    this.applyRates(true);
  }

  outcome(o: ProbeOutcome): void {
    const entry = this.byIp.get(o.ip);
    if (!entry || entry.decided || (o.sentAt !== undefined && o.sentAt < entry.watchedAt)) return;
    const now = this.clock.now();
    if (!o.lost) entry.answered = true;
    else if (!entry.answered && now - entry.watchedAt < STARTUP_GRACE_MS) return;
    if (!o.lost && o.rttMs !== null) entry.rtts.push(o.rttMs);
    const result = observe(this.bounds(this.threshold(entry.name)), entry.state, o.lost, now);
    entry.state = result.state;
    const wasFast = entry.fastUntil > now;
    if (o.lost || result.state.llr > 0) entry.fastUntil = now + FAST_FOR_MS;
    if (result.decision !== 'undecided') {
      const rtts = entry.rtts;
      entry.rtts = [];
      entry.decided = result.decision === 'lossy';
      this.onVerdict({
        name: entry.name,
        startedAt: entry.startedAt,
        decision: result.decision,
        explanation: result.explanation,
        rtt: rtts.length
          ? { mean: round3(rtts.reduce((a, b) => a + b, 0) / rtts.length), min: Math.min(...rtts), max: Math.max(...rtts) }
          : null,
      });
    }
    // The fast set is looked at again when this container joins it, and a few times a second for
    // those whose time ran out: not on every outcome (thousands a second at hundreds of containers).
    if ((!wasFast && entry.fastUntil > now) || now - this.lastSweep >= 250) this.applyRates(false);
  }

  /** Probes of this address that are no evidence: the test counts them, nothing more. */
  gap(g: ProbeGap): void {
    const entry = this.byIp.get(g.ip);
    if (!entry || entry.decided) return;
    entry.state = observeGap(entry.state, g.probes);
  }

  /**
   * What the probes say of the host's path (see host-path.ts): how many watched containers show
   * signs of loss now (probed fast, or judged lossy and not yet watched afresh), and the canary's state.
   */
  pathEvidence(canary: string | null): PathEvidence {
    return pathEvidenceOf(this.byName.values(), canary, this.clock.now());
  }

  /** An early sign of loss: probe it fast from now on (its probe counts once settled). */
  hint(ip: string): void {
    const entry = this.byIp.get(ip);
    if (!entry) return;
    const now = this.clock.now();
    const wasFast = entry.fastUntil > now;
    entry.fastUntil = now + FAST_FOR_MS;
    if (!wasFast) this.applyRates(false);
  }

  close(): void {
    this.prober.close();
  }

  private drop(name: string, entry: Entry): void {
    this.byName.delete(name);
    if (this.byIp.get(entry.ip) === entry) this.byIp.delete(entry.ip);
  }

  private bounds(threshold: number): LossTestBounds {
    let bounds = this.boundsByThreshold.get(threshold);
    if (!bounds) {
      bounds = lossTestBounds({ ...this.settings, threshold });
      if (this.boundsByThreshold.size > 200) this.boundsByThreshold.clear(); // a few distinct thresholds in practice
      this.boundsByThreshold.set(threshold, bounds);
    }
    return bounds;
  }

  /** Every watched container at the steady rate; those with recent signs of loss fast as well. */
  private applyRates(targetsChanged: boolean): void {
    const now = this.clock.now();
    this.lastSweep = now;
    const fast = [...this.byIp.values()]
      .filter((e) => e.fastUntil > now)
      .map((e) => e.ip)
      .sort();
    const key = fast.join(' ');
    if (!targetsChanged && key === this.fastKey) return;
    this.fastKey = key;
    this.prober.setTargets([...this.byIp.keys()], fast);
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
