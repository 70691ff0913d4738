/**
 * Test helpers for the lockless subject: its variants, a run of a trace with
 * the checker's observe mode (LOST-UPDATE recorded, not fatal), and every
 * schedule of a small hand-written trace with at most k preemptions (the
 * pattern of races.test.ts, generalised to k and to any number of threads).
 */
import { asLockless, type LocklessVariant } from "../checker/lockless/variants";
import { buildLocklessTrace, type LocklessTrace } from "../checker/lockless/trace_build";
import type { LocklessWorld } from "../checker/lockless/world";
import { runTrace } from "../checker/search/trace";
import { resolveSubject, resolveVariant } from "../checker/variants";
import type { LostUpdate } from "../checker/lockless/oracle/spte_writes";
import { asViolation } from "../checker/violation";
import { runThreads } from "../runtime/run";
import type { Preemption, Scheduler } from "../runtime/scheduler";
import type { StepOp } from "../runtime/step";
import type { Geometry } from "../model/lockless/state";
import { PreemptiveScheduler } from "../runtime/schedulers/preemptive";

export const LOCKLESS = resolveSubject("lockless-aging");

/** The small geometry the model-level tests use (4 sptes a page, 3 levels, EPT A/D on, nothing else on), with `changes` over it. */
export const smallGeometry = (changes: Partial<Geometry> = {}): Geometry => ({
  levelShift: 1,
  maxLevel: 3,
  sptesPerPage: 4,
  kvmAdEnabled: true,
  dirtyLogging: false,
  pml: false,
  recycleThreshold: 1000,
  tdpMmuEnabled: false,
  nestedEptAd: false,
  ...changes,
});

export function lvariant(design: string | null, mutant: string | null = null): LocklessVariant {
  return asLockless(resolveVariant(design, mutant, LOCKLESS));
}

export interface ObservedRun {
  /** The first violation that stopped the run (null: none). */
  violation: string | null;
  detail: string | null;
  /** LOST-UPDATE findings recorded on the way. */
  lost: LostUpdate[];
  /** Step labels in run order, "thread:label" (a schedule's identity, never parsed). */
  labels: string[];
  /** The thread (or store buffer) that made each step of `labels`. */
  threads: number[];
  /** The steps the threads performed (observed after each), as function and access. */
  steps: StepOf[];
  preemptions: Preemption[];
  /** The world the run left (for reading the final memory). */
  world: LocklessWorld;
}

export interface StepOf {
  thread: number;
  fn: string;
  op: StepOp;
}

/** Where thread `thread` first made an access `op` in function `fn` (-1: never). */
export const stepIndex = (r: ObservedRun, thread: number, fn: string, op: StepOp): number =>
  r.steps.findIndex((s) => s.thread === thread && s.fn === fn && s.op === op);

/** Run a trace with LOST-UPDATE recorded instead of stopping the run. */
export function runObserved(trace: LocklessTrace, v: LocklessVariant, opts: { tso?: boolean; scheduler?: Scheduler } = {}): ObservedRun {
  const lost: LostUpdate[] = [];
  const built = buildLocklessTrace(trace, v, { tso: opts.tso ?? false, full: false }, { observe: (_, l) => lost.push(l) });
  built.machine.observers.push(built.checker);
  const steps: StepOf[] = [];
  const fail = (e: unknown): ObservedRun => {
    const viol = asViolation(e);
    return { violation: viol.invariant, detail: viol.detail, lost, labels: [], threads: [], steps, preemptions: [], world: built.world };
  };
  try {
    built.setup();
  } catch (e) {
    return fail(e);
  }
  built.machine.stepIndex = 0;
  built.machine.observers.push({
    afterStep: (_m, t, s) => void steps.push({ thread: t.id, fn: s.fn, op: s.op }),
    opStart: () => undefined,
    opEnd: () => undefined,
  });
  const r = runThreads(built.machine, opts.scheduler ?? new PreemptiveScheduler(trace.preemptions), 5000, () => built.checker.atQuiescence());
  const v2 = r.failure === null ? null : asViolation(r.failure);
  return { violation: v2?.invariant ?? null, detail: v2?.detail ?? null, lost, labels: r.trace.map((s) => `${s.thread}:${s.label}`), threads: r.trace.map((s) => s.thread), steps, preemptions: r.preemptions, world: built.world };
}

/**
 * Every schedule of `trace` with at most `k` preemptions (a switch away from
 * the default policy: "run the last thread until it blocks or finishes, then
 * the lowest-numbered runnable one"; starting with a thread other than T0
 * counts as one). Breadth first over the preemptions each run actually took:
 * a schedule with k preemptions is found by extending the schedule that drops
 * its last one. Distinct schedules only (keyed by their step sequence).
 */
export function schedulesUpTo(trace: LocklessTrace, v: LocklessVariant, k: number, tso = false): ObservedRun[] {
  const n = trace.threads.length;
  const seen = new Map<string, ObservedRun>();
  let frontier: Preemption[][] = [[]];
  while (frontier.length > 0) {
    const next: Preemption[][] = [];
    for (const ps of frontier) {
      const r = runObserved({ ...trace, preemptions: ps }, v, { tso });
      const key = r.labels.join("\n");
      if (seen.has(key) || r.preemptions.length > k) continue;
      seen.set(key, r);
      if (r.preemptions.length === k) continue;
      const base = r.preemptions;
      const used = new Set(base.map((p) => `${p.thread}:${p.after}`));
      for (let thread = 0; thread < n; thread++) {
        const steps = r.threads.filter((x) => x === thread).length;
        for (let after = 0; after <= steps; after++) {
          if (used.has(`${thread}:${after}`)) continue;
          for (let to = 0; to < n; to++) if (to !== thread) next.push([...base, { thread, after, to }]);
        }
      }
    }
    frontier = next;
  }
  return [...seen.values()];
}

/** Run a trace the way the search does (first violation stops it). */
export const runPlain = (t: LocklessTrace, v: LocklessVariant, tso = false) => runTrace(t, v, { tso }).result;
