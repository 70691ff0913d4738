/**
 * What the exhaustive explorer runs: a program it can start afresh as often as
 * it likes (stateless model checking: every execution re-runs from the start
 * along a schedule prefix, since threads are generators and cannot be copied).
 * The explorer knows no kernel; the caller builds the machine, its threads
 * and its checks (checker/exhaustive/program.ts does it for a scenario).
 */
import type { Machine } from "../machine";
import type { RunResult, StepHooks } from "../run";
import type { Scheduler } from "../scheduler";
import type { StepContext } from "./engine_resources";
import type { FootprintBuilder } from "./footprint";

/** One execution: a fresh machine whose threads have not started yet. */
export interface Execution {
  readonly machine: Machine;
  /**
   * Run every thread to the end under `scheduler` (runtime/run.ts runThreads
   * with `hooks`), then the caller's end-of-run checks. Whatever the
   * scheduler throws propagates.
   */
  run(scheduler: Scheduler, hooks: StepHooks): RunResult;
  /** Resources of state the engine cannot see that the step just performed touched (called after it). */
  extraFootprint?(c: StepContext, into: FootprintBuilder): void;
  /** Work the caller wants counted per execution (invariant checks). */
  readonly checks?: () => number;
}

export interface Program {
  /** A fresh execution, or what its set-up threw. */
  start(): Execution | { setupFailure: unknown };
}
