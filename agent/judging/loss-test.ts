/**
 * The sequential loss verdict, free of I/O: every probe's outcome (reply or lost) updates Wald's
 * sequential probability ratio test between H0 "loss at most threshold - delta" and H1 "loss at
 * least threshold + delta". Crossing the upper boundary is a "lossy" verdict (restart); crossing
 * the lower one is an "ok" verdict, after which a new test starts, so probing never stops.
 *
 * The operator's rates, and what they mean:
 * - falseRate (alpha): the chance that a container whose loss is at most threshold - delta is
 *   restarted within an hour of probing. Tests repeat, so each single test gets alpha divided by
 *   how many tests fit in an hour at the fast probe rate (Wald's expected test length under H0).
 * - missRate (beta): the chance that one test of a container whose loss is at least
 *   threshold + delta ends "ok"; the next test then catches it, so a miss delays, it never hides.
 * - Inside the indifference zone (threshold +- delta) either verdict is acceptable: below the
 *   threshold a test mostly ends "ok", above it mostly "lossy", and the nearer the threshold the
 *   longer it takes; exactly at it, a restart comes after a long while, as it should when the
 *   loss sits on the line.
 * - Total silence is its own rule: `silenceRun` lost probes in a row (a run as unlikely within an
 *   hour at threshold - delta as alpha allows) is "lossy" at once.
 * - Only evidence counts: a probe whose round the prober itself did not hear (a gap, see
 *   ProbeLedger) is neither a reply nor a loss. It moves nothing (not the ratio, not a run of
 *   losses); the test only counts it, and its explanation says how many there were.
 */

export interface LossTestSettings {
  /** Loss threshold, in %. */
  threshold: number;
  /** Half-width of the indifference zone, in points of loss. */
  delta: number;
  /** alpha, as a fraction (0.01 = 1 %). */
  falseRate: number;
  /** beta, as a fraction. */
  missRate: number;
  /** The fastest probe rate, per second: the most tests an hour can hold. */
  fastRatePerSecond: number;
}

export interface LossTestBounds {
  p0: number;
  p1: number;
  /** Log-likelihood ratio added by a lost probe and by a reply. */
  lostStep: number;
  replyStep: number;
  upper: number;
  lower: number;
  silenceRun: number;
}

const clamp = (p: number): number => Math.min(0.999, Math.max(0.001, p));

export function lossTestBounds(s: LossTestSettings): LossTestBounds {
  const p0 = clamp((s.threshold - s.delta) / 100);
  const p1 = clamp((s.threshold + s.delta) / 100);
  const lostStep = Math.log(p1 / p0);
  const replyStep = Math.log((1 - p1) / (1 - p0));
  const driftH0 = p0 * lostStep + (1 - p0) * replyStep; // negative: the mean step when H0 holds
  const probesPerHour = s.fastRatePerSecond * 3600;
  // alpha per test = alpha per hour / tests per hour; a test's length under H0 depends on the
  // boundaries, which depend on alpha per test: a few rounds settle it.
  // Wald's approximations ignore the overshoot of discrete steps; simulated, they gave 1.4 % per
  // hour for 1 % asked. Halving alpha for the calculation keeps the real rate under what was asked.
  const alpha = s.falseRate / 2;
  let alphaTest = alpha;
  let upper = 0;
  let lower = 0;
  for (let round = 0; round < 8; round++) {
    upper = Math.log((1 - s.missRate) / alphaTest);
    lower = Math.log(s.missRate / (1 - alphaTest));
    const probesPerTest = Math.max(1, (alphaTest * upper + (1 - alphaTest) * lower) / driftH0);
    alphaTest = alpha / (probesPerHour / probesPerTest);
  }
  // A run of k losses starts at a given probe with chance (1 - p0) p0^k under H0.
  const silenceRun = Math.max(3, Math.ceil(Math.log(alpha / (probesPerHour * (1 - p0))) / Math.log(p0)));
  // Threshold 100 %: no loss is over it, as with the classic rule (strictly above).
  if (s.threshold >= 100) return { p0, p1, lostStep, replyStep, upper: Infinity, lower, silenceRun: Infinity };
  return { p0, p1, lostStep, replyStep, upper, lower, silenceRun };
}

export interface LossTestState {
  llr: number;
  probes: number;
  lost: number;
  /** Lost probes in a row, and when the first of them was observed. */
  lostRun: number;
  runStartedAt: number;
  startedAt: number;
  /** Probes with no evidence (prober gaps) since the test started. */
  gaps: number;
}

export const freshTest = (now: number): LossTestState => ({
  llr: 0,
  probes: 0,
  lost: 0,
  lostRun: 0,
  runStartedAt: now,
  startedAt: now,
  gaps: 0,
});

/** Probes the prober did not hear: counted, nothing else. */
export const observeGap = (state: LossTestState, probes: number): LossTestState => ({ ...state, gaps: state.gaps + probes });

export type LossDecision =
  { decision: 'undecided'; state: LossTestState } | { decision: 'ok' | 'lossy'; state: LossTestState; explanation: LossExplanation };

export interface LossExplanation {
  /** Why: the sequential test crossed a boundary, or total silence. */
  rule: 'sequential' | 'silence';
  lossPercent: number;
  /** 95 % Wilson interval of the loss, in %. */
  low: number;
  high: number;
  probes: number;
  decidedInMs: number;
  /** Probes in the test's time that were no evidence (the prober did not hear their round). */
  gaps: number;
}

/** One probe's outcome; a decided test is followed by a fresh one (the caller keeps the returned state). */
export function observe(bounds: LossTestBounds, state: LossTestState, lost: boolean, now: number): LossDecision {
  const next: LossTestState = {
    llr: state.llr + (lost ? bounds.lostStep : bounds.replyStep),
    probes: state.probes + 1,
    lost: state.lost + (lost ? 1 : 0),
    lostRun: lost ? state.lostRun + 1 : 0,
    runStartedAt: lost && state.lostRun === 0 ? now : state.runStartedAt,
    startedAt: state.startedAt,
    gaps: state.gaps,
  };
  if (next.lostRun >= bounds.silenceRun) {
    // Explained by the run itself: that many probes, none answered.
    return {
      decision: 'lossy',
      state: freshTest(now),
      explanation: explain({ ...next, probes: next.lostRun, lost: next.lostRun, startedAt: next.runStartedAt }, now, 'silence'),
    };
  }
  if (next.llr >= bounds.upper) return { decision: 'lossy', state: freshTest(now), explanation: explain(next, now, 'sequential') };
  if (next.llr <= bounds.lower) return { decision: 'ok', state: freshTest(now), explanation: explain(next, now, 'sequential') };
  return { decision: 'undecided', state: next };
}

function explain(state: LossTestState, now: number, rule: LossExplanation['rule']): LossExplanation {
  const { low, high } = wilson(state.lost, state.probes);
  return {
    rule,
    lossPercent: round((state.lost / state.probes) * 100),
    low: round(low * 100),
    high: round(high * 100),
    probes: state.probes,
    decidedInMs: now - state.startedAt,
    gaps: state.gaps,
  };
}

/** The Wilson score interval for k successes in n trials, at 95 %. */
export function wilson(k: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

const round = (x: number): number => Math.round(x * 10) / 10;

export function describeExplanation(e: LossExplanation): string {
  const how = e.rule === 'silence' ? 'no reply at all' : 'sequential test';
  const gaps = e.gaps > 0 ? `; ${e.gaps} probe(s) not counted: the prober did not hear their round` : '';
  return `loss ${e.lossPercent}% (95% CI ${e.low}-${e.high}%) over ${e.probes} probes in ${e.decidedInMs} ms, ${how}${gaps}`;
}
