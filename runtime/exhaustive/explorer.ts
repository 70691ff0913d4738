/**
 * Stateless exploration of every execution of a program up to a preemption
 * bound, with dynamic partial-order reduction (races.ts) and, without a
 * bound, sleep sets (docs/exhaustive.md). One call explores one unit (a
 * schedule prefix, units.ts): depth first, each execution re-run from the
 * start along the path to the deepest node with work left.
 */
import type { Machine } from "../machine";
import type { RunResult } from "../run";
import { BehaviourRecorder } from "./behaviour";
import type { Footprint } from "./footprint";
import { type Node, nextTodo } from "./node";
import { Abandoned, type Event, PathScheduler, type PathOptions } from "./path_scheduler";
import type { Program } from "./program";
import { HappensBefore } from "./happens_before";
import { addRaceBacktracks, type RaceRule } from "./races";

export interface ExploreOptions {
  /** Preemption bound; null: none. */
  bound: number | null;
  /** false: enumerate every schedule within the bound (no reduction), the reference for tests. */
  reduce?: boolean;
  /**
   * Keep going after a failing execution (default false). Only without
   * reduction: a reduced search relies on every execution it starts running
   * to the end, and one that fails stops early.
   */
  continueAfterFailure?: boolean;
  /** Sleep sets (default: on without a bound, off with one: docs/exhaustive.md, "The bound"). */
  sleepSets?: boolean;
  /** Stop (incomplete) once `stats.executions + stats.abandoned` reaches this, or at `deadline` (ms since the epoch). */
  maxExecutions?: number;
  deadline?: number;
  /** Asked after every execution: true stops the search (incomplete), as the budgets do (workers share one). */
  stop?: () => boolean;
  /** Called after every execution (complete or abandoned). */
  onExecution?: (run: RunResult | null, stats: ExploreStats) => void;
  /** Called after every execution run to the end with its behaviour class (behaviour.ts): costs a string per step. */
  onBehaviour?: (key: string, run: RunResult) => void;
  /** Rebuild every replayed step's footprint and compare it with the recorded event (path_scheduler.ts; tests). */
  verifyPrefix?: boolean;
}

export interface ExploreStats {
  /** Executions run to the end (every thread done, or a violation). */
  executions: number;
  /** Executions abandoned because every choice was asleep (redundant prefixes). */
  abandoned: number;
  /** Steps performed, replayed prefixes included. */
  steps: number;
  /** The caller's checks (Execution.checks), summed. */
  checks: number;
  /** The longest execution, in steps. */
  maxDepth: number;
}

export const newStats = (): ExploreStats => ({ executions: 0, abandoned: 0, steps: 0, checks: 0, maxDepth: 0 });

export function addStats(a: ExploreStats, b: ExploreStats): ExploreStats {
  return { executions: a.executions + b.executions, abandoned: a.abandoned + b.abandoned, steps: a.steps + b.steps, checks: a.checks + b.checks, maxDepth: Math.max(a.maxDepth, b.maxDepth) };
}

export const useSleep = (o: ExploreOptions): boolean => (o.reduce ?? true) && (o.sleepSets ?? o.bound === null);
const ruleOf = (o: ExploreOptions): RaceRule => (o.bound === null ? "source" : "bpor");

interface PathRun {
  /** null: abandoned. */
  run: RunResult | null;
  machine: Machine;
}

/** Run one execution along nodes[0..branch]. */
export function runPath(program: Program, nodes: Node[], events: Event[], branch: number, o: ExploreOptions, stats: ExploreStats, stopAfter?: number, extra: Partial<PathOptions> = {}): PathRun | { setupFailure: unknown } {
  const exec = program.start();
  if ("setupFailure" in exec) return exec;
  const sched = new PathScheduler(exec, nodes, events, branch, { bound: o.bound, reduce: o.reduce ?? true, sleep: useSleep(o), ...(o.verifyPrefix === true ? { verifyPrefix: true } : {}), ...extra, ...(stopAfter === undefined ? {} : { stopAfter }) });
  const behaviour = o.onBehaviour && stopAfter === undefined ? BehaviourRecorder.attach(exec.machine) : null;
  try {
    const r = exec.run(sched, sched);
    if (sched.diverged !== null) throw sched.diverged;
    if (behaviour !== null) o.onBehaviour!(behaviour.key(), r);
    stats.steps += r.steps;
    stats.maxDepth = Math.max(stats.maxDepth, r.steps);
    stats.checks += exec.checks?.() ?? 0;
    return { run: r, machine: exec.machine };
  } catch (e) {
    if (!(e instanceof Abandoned)) throw e;
    stats.steps += events.length;
    return { run: null, machine: exec.machine };
  } finally {
    sched.close();
  }
}


export interface UnitResult {
  /** false: a budget ran out first. */
  complete: boolean;
  /** The first failing execution in exploration order (null: none). */
  violation: RunResult | null;
  /** The footprint of the unit's first step (its sleep entry for later units at the root). */
  first: Footprint | null;
}

/**
 * Explore one unit (units.ts): every schedule that starts with `prefix`, the
 * unit's steps being forced; `rootTaken` are the first steps of the units
 * before it that start with another thread (their sleep entries at the root).
 *
 * An abandoned execution (every choice asleep) still adds its races: more
 * than Deja Fu does, on the safe side.
 */
export function exploreUnit(program: Program, prefix: readonly number[], rootTaken: ReadonlyMap<number, Footprint>, o: ExploreOptions, stats: ExploreStats): UnitResult | { setupFailure: unknown } {
  const reduce = o.reduce ?? true;
  const nodes: Node[] = [];
  const events: Event[] = [];
  let branch = -1;
  let firstFp: Footprint | null = null;
  let hb: HappensBefore | undefined;
  const forced = { forced: prefix, ...(useSleep(o) ? { rootTaken } : {}) };
  for (;;) {
    nodes.length = Math.max(0, branch + 1);
    events.length = Math.max(0, branch);
    const p = runPath(program, nodes, events, branch, o, stats, undefined, forced);
    if ("setupFailure" in p) return p;
    const r = p.run;
    if (firstFp === null && events.length > 0) firstFp = events[0]!.fp;
    if (r === null) stats.abandoned++;
    else stats.executions++;
    o.onExecution?.(r, stats);
    const failed = r !== null && r.failure !== null && r.failure !== undefined;
    if (failed && !(o.continueAfterFailure && !reduce)) return { complete: true, violation: r, first: firstFp };
    // What was taken only ever puts later siblings to sleep.
    if (useSleep(o)) markTaken(nodes, events, Math.max(0, branch));
    if (reduce) {
      // Under x86-TSO each thread's store buffer is a pseudo-thread too (ids n..2n-1: runtime/run.ts).
      hb ??= new HappensBefore(p.machine.threads.length * (p.machine.tso ? 2 : 1));
      addRaceBacktracks(hb, nodes, events, Math.max(0, branch), ruleOf(o), o.bound);
    }
    const next = deepestTodo(nodes, prefix.length);
    if (next < 0) return { complete: true, violation: null, first: firstFp };
    if ((o.maxExecutions !== undefined && stats.executions + stats.abandoned >= o.maxExecutions) || (o.deadline !== undefined && Date.now() >= o.deadline) || o.stop?.() === true) {
      return { complete: false, violation: null, first: firstFp };
    }
    const n = nodes[next]!;
    const t = nextTodo(n);
    n.chosenConservative = n.todo.get(t)!;
    n.todo.delete(t);
    n.done.add(t);
    n.chosen = t;
    branch = next;
  }
}

/** After an execution: the branch node and every new node took their chosen thread (non-conservative: put to sleep for later siblings). */
function markTaken(nodes: Node[], events: readonly Event[], branch: number): void {
  for (let k = branch; k < nodes.length && k < events.length; k++) {
    const n = nodes[k]!;
    if (!n.chosenConservative) n.taken.set(n.chosen, events[k]!.fp);
  }
}

/** The deepest node with work left, below the unit's prefix (the other choices there are other units). */
function deepestTodo(nodes: readonly Node[], below: number): number {
  for (let k = nodes.length - 1; k >= below; k--) {
    const n = nodes[k]!;
    for (const t of [...n.todo.keys()]) if (n.done.has(t)) n.todo.delete(t);
    if (n.todo.size > 0) return k;
  }
  return -1;
}
