/**
 * The exploration tree, kept as the path of the current execution: node k is
 * the state before the execution's k-th step, with what is known there (who
 * could run, who the bound allows, the sleep set) and what is left to do (the
 * backtrack set, "todo"). The names follow Flanagan and Godefroid, "Dynamic
 * partial-order reduction for model checking software" (POPL 2005), and the
 * bounded variant of Coons, Musuvathi and McKinley, "Bounded partial-order
 * reduction" (OOPSLA 2013), as implemented in Deja Fu (dejafu's
 * Test.DejaFu.SCT.Internal.DPOR): a todo entry is conservative when it was
 * added for the bound, and is then explored even if asleep and never puts
 * its siblings to sleep.
 */
import { continuation } from "../scheduler";
import type { Footprint } from "./footprint";
import type { Event } from "./path_scheduler";

export interface Node {
  /** Threads whose step can run here, ascending ids. */
  readonly runnable: readonly number[];
  /** The thread that ran the step before (-1 at the root) and whether its CPU can go on (runtime/scheduler.ts, continuation). */
  readonly prior: number;
  readonly priorRunnable: boolean;
  /** The thread that goes on without a preemption: prior, or under x86-TSO its store buffer or the buffer's owner (-1: none). */
  readonly preferred: number;
  /** Preemptions (switches away from a runnable thread) on the path to here. */
  readonly preemptions: number;
  /** The threads the preemption bound lets run here. */
  readonly inBound: readonly number[];
  /** Threads whose next step from here only leads to executions covered elsewhere, with its footprint. */
  readonly sleep: ReadonlyMap<number, Footprint>;
  /** Backtrack set: thread -> added conservatively (for the bound). */
  readonly todo: Map<number, boolean>;
  readonly done: Set<number>;
  /** Explored non-conservatively from here, with their step's footprint: asleep in later siblings. */
  readonly taken: Map<number, Footprint>;
  /**
   * The threads that are not done but cannot run here (a wait, a lock held by
   * another, a grace period), each with its pending step as an event that
   * did not execute: its footprint is what the step reads to find itself
   * disabled (races.ts, "blocked steps").
   */
  blocked: readonly Event[];
  /** The thread run from here in the current execution. */
  chosen: number;
  chosenConservative: boolean;
}

/** `threads`: the program's threads (ids at or above are store buffers, x86-TSO). */
export function makeNode(runnable: readonly number[], prior: number, threads: number, preemptions: number, bound: number | null, sleep: ReadonlyMap<number, Footprint>): Node {
  const preferred = continuation(prior, runnable, threads);
  const priorRunnable = preferred >= 0;
  const inBound = priorRunnable && bound !== null && preemptions >= bound ? [preferred] : runnable;
  return { runnable, prior, priorRunnable, preferred, preemptions, inBound, sleep, todo: new Map(), done: new Set(), taken: new Map(), blocked: [], chosen: -1, chosenConservative: false };
}

/** Preemptions after running `t` from node n. */
export function preemptionsAfter(n: Node, t: number): number {
  return n.preemptions + (n.priorRunnable && t !== n.preferred ? 1 : 0);
}

/**
 * Add thread p to the backtrack set of n; when the bound or its step's
 * enabledness does not allow p there, add every thread the bound allows
 * (Flanagan-Godefroid's fallback, which also covers the bound: Coons et al.).
 */
export function addBacktrack(n: Node, p: number, conservative: boolean): void {
  const targets = n.inBound.includes(p) ? [p] : n.inBound;
  for (const q of targets) {
    if (n.done.has(q)) continue;
    if (!conservative && n.sleep.has(q)) continue;
    const had = n.todo.get(q);
    if (had === undefined || (!had && conservative)) n.todo.set(q, conservative);
  }
}

/** The next todo of n (lowest id first), or -1. */
export function nextTodo(n: Node): number {
  let best = -1;
  for (const t of n.todo.keys()) if (!n.done.has(t) && (best < 0 || t < best)) best = t;
  return best;
}
