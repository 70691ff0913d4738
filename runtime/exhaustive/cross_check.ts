/**
 * A reduction that checks itself (`--cross-check K`): beside the reduced
 * search, enumerate every schedule within K preemptions with no reduction
 * (within a budget) and compare the behaviour classes (behaviour.ts) each
 * reached. A class plain enumeration reaches and the reduced search does not
 * is a schedule the reduction wrongly pruned; each comes with the thread
 * order of one execution that reaches it, so it can be run again
 * (replay.ts runOrder). Only complete executions count for the reduced side;
 * plain enumeration goes on after a failing execution, whose class is its
 * behaviour up to the failure.
 */
import type { RunResult } from "../run";
import type { ExploreOptions } from "./explorer";
import type { Program } from "./program";
import { explore } from "./units";

/** Behaviour classes, each with the thread order of the first execution that reached it. */
export class ClassIndex {
  readonly classes = new Map<string, number[]>();
  /** The failures among them: class -> what the execution threw. */
  readonly failures = new Map<string, unknown>();

  readonly add = (key: string, run: RunResult): void => {
    if (this.classes.has(key)) return;
    this.classes.set(key, run.trace.map((s) => s.thread));
    if (run.failure !== null && run.failure !== undefined) this.failures.set(key, run.failure);
  };
}

export interface Enumeration {
  index: ClassIndex;
  executions: number;
  /** false: the budget ran out first (the comparison then covers what was enumerated). */
  complete: boolean;
}

/** Every schedule of `program` within `bound` preemptions, no reduction, classes collected. */
export function enumerateClasses(program: Program, bound: number, budget: Pick<ExploreOptions, "maxExecutions" | "deadline" | "stop">): Enumeration {
  const index = new ClassIndex();
  const r = explore(program, { bound, reduce: false, continueAfterFailure: true, onBehaviour: index.add, ...budget });
  return { index, executions: r.stats.executions, complete: r.complete };
}

/** The classes of `plain` that `reduced` did not reach, in the order plain enumeration met them. */
export function missedClasses(plain: ClassIndex, reduced: ClassIndex): string[] {
  return [...plain.classes.keys()].filter((k) => !reduced.classes.has(k));
}
