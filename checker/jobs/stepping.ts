/**
 * Checked atomic steps per second against bare stepping, on the same runs:
 * the same generated traces under the same PCT schedules, once with no
 * checker, once with every invariant after every step (incremental), once with
 * the full checker. Only the interleaved phase is timed.
 */
import fc from "fast-check";
import { PctScheduler } from "../../runtime/schedulers/pct";
import { onStepMade } from "../../runtime/step";
import { runTrace } from "../search/trace";
import type { Variant } from "../subject";

export interface SteppingRow {
  mode: string;
  runs: number;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  ratio: number;
}

export function benchStepping(variant: Variant, runs: number, seed: number, repeat: number): SteppingRow[] {
  const gens = fc.sample(variant.subject.runArb(variant), { seed, numRuns: runs });
  const modes = [
    { mode: "bare (no checks)", check: false, full: false },
    { mode: "checked, incremental (every invariant after every step)", check: true, full: false },
    { mode: "checked, full (every rmap after every step)", check: true, full: true },
  ];
  // Warm up the JIT on every mode first, then time the best of `repeat` rounds.
  const time = (m: (typeof modes)[number]) => {
    let steps = 0;
    let ns = 0;
    for (const g of gens) {
      const r = runTrace(g.trace, variant, { scheduler: new PctScheduler(g.seed, variant.subject.roles.length, 3, variant.subject.pctSteps), check: m.check, full: m.full });
      steps += r.result.steps;
      ns += r.threadedNs;
    }
    return { steps, ns };
  };
  for (const m of modes) time(m);
  const best = modes.map((m) => {
    let b = { steps: 0, ns: Infinity };
    for (let i = 0; i < repeat; i++) {
      const t = time(m);
      if (t.ns < b.ns) b = t;
    }
    return b;
  });
  const bare = best[0]!.steps / (best[0]!.ns / 1e9);
  return modes.map((m, i) => {
    const sps = best[i]!.steps / (best[i]!.ns / 1e9);
    return { mode: m.mode, runs, steps: best[i]!.steps, seconds: best[i]!.ns / 1e9, stepsPerSecond: sps, ratio: bare / sps };
  });
}

/** One round of benchPhases: the seconds of each phase, as process.hrtime.bigint counts them. */
export interface PhaseRound {
  /** The traces generated and run. */
  runs: number;
  /** fast-check generating the traces. */
  generateS: number;
  /** Running them (checked): building each run, its set-up, the interleaved phase and the checks at quiescence. */
  runS: number;
  /** Of runS, the interleaved phase (with the checks at quiescence). */
  interleavedS: number;
  steps: number;
  /** CPU seconds of the calling thread over the whole round, generation included (only with a thread clock). */
  threadS?: number;
}

/**
 * Where a run's time goes, and what the first runs of a process cost more
 * than later ones (the JIT compiling the code as it gets hot): `runs` traces
 * generated and run checked under PCT, twice in one process. The first round
 * starts cold, as the end-to-end command does; the second is warm.
 * `threadClock` (CPU seconds of the calling thread; null where the platform
 * has none) splits each round's time between this thread and the process's
 * others (V8's compiler and garbage collector threads).
 */
export function benchPhases(variant: Variant, runs: number, seed: number, threadClock?: () => number | null): PhaseRound[] {
  const rounds: PhaseRound[] = [];
  for (let r = 0; r < 2; r++) {
    const c0 = threadClock?.() ?? null;
    const t0 = process.hrtime.bigint();
    const gens = fc.sample(variant.subject.runArb(variant), { seed, numRuns: runs });
    const t1 = process.hrtime.bigint();
    let steps = 0;
    let ns = 0;
    for (const g of gens) {
      const x = runTrace(g.trace, variant, { scheduler: new PctScheduler(g.seed, variant.subject.roles.length, 3, variant.subject.pctSteps) });
      steps += x.result.steps;
      ns += x.threadedNs;
    }
    const t2 = process.hrtime.bigint();
    const c1 = threadClock?.() ?? null;
    rounds.push({ runs, generateS: Number(t1 - t0) / 1e9, runS: Number(t2 - t1) / 1e9, interleavedS: ns / 1e9, steps, ...(c0 !== null && c1 !== null ? { threadS: c1 - c0 } : {}) });
  }
  return rounds;
}

/** What resuming the threads' generators costs, from two measurements (benchChain). */
export interface ChainCost {
  /** Steps of the 2,000 stepping traces, and the generator frames of impl/ and the operation runner live at each, on average. */
  steps: number;
  framesPerStep: number;
  /** A step resumed through a chain of 1 generator and through a chain of 7 (an empty kernel function below 6 delegating ones), ns per step. */
  depth1Ns: number;
  depth7Ns: number;
}

/**
 * The cost of resuming generator chains: how deep the chains of impl/ are
 * when a step is made (the stack at each step of the stepping bench's
 * traces, counted in frames of impl/ and of the operation runner), and what
 * a resume costs per frame on this engine (a bare chain of delegating
 * generators, each step resumed from the outermost, as the machine does).
 */
export function benchChain(variant: Variant, runs: number, seed: number, chainSteps = 2_000_000): ChainCost {
  const gens = fc.sample(variant.subject.runArb(variant), { seed, numRuns: runs });
  let steps = 0;
  let frames = 0;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  onStepMade((_label, stack) => {
    steps++;
    for (const line of stack.split("\n")) if (/[/\\](impl[/\\][^():]+|operations)\.[jt]s:\d+/.test(line)) frames++;
  });
  try {
    for (const g of gens) runTrace(g.trace, variant, { scheduler: new PctScheduler(g.seed, variant.subject.roles.length, 3, variant.subject.pctSteps), check: false });
  } finally {
    onStepMade(null);
    Error.stackTraceLimit = limit;
  }
  return { steps, framesPerStep: frames / steps, depth1Ns: chainNs(1, chainSteps), depth7Ns: chainNs(7, chainSteps) };
}

const CHAIN_STEP = { op: "load" };

function* leaf(n: number): Generator<object, number, number> {
  let x = 0;
  for (let i = 0; i < n; i++) x += yield CHAIN_STEP;
  return x;
}

function* link(inner: Generator<object, number, number>): Generator<object, number, number> {
  return yield* inner;
}

/** ns per step of a chain of `depth` generators resumed from the outermost, `n` steps, best of 5. */
function chainNs(depth: number, n: number): number {
  let best = Infinity;
  for (let round = 0; round < 6; round++) {
    let g = leaf(n);
    for (let d = 1; d < depth; d++) g = link(g);
    const t0 = process.hrtime.bigint();
    let r = g.next(0);
    while (r.done !== true) r = g.next(1);
    const ns = Number(process.hrtime.bigint() - t0);
    // The first round warms the JIT up.
    if (round > 0) best = Math.min(best, ns / n);
  }
  return best;
}
