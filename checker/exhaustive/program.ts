/**
 * A scenario as a program the exhaustive explorer can re-run
 * (runtime/exhaustive/program.ts): the first execution builds the subject's
 * world (Subject.build), runs the set-up alone, and runs the threads with
 * the same step checker, refinement and quiescence checks as a sampled run,
 * with the state the subject keeps outside simulated memory reported as
 * footprint resources (BuiltRun.footprint).
 *
 * Every later execution starts from the same state: the set-up is the part
 * of every execution before the threads start, identical for all of them, so
 * the state it leaves (simulated memory and its allocations, the machine's
 * locks, readers and deferred queues, the threads before their first step,
 * the checker's and the world's ghost state) is saved once
 * (runtime/exhaustive/heap_snapshot.ts) and restored in place instead of
 * building and running the set-up again. The closures the state holds keep
 * nothing of their own: the operations' runners and formatters are module
 * functions, the checkers' counters and hooks are arrow functions over their
 * own `this` (saved with it), and the explorer's and the run loop's are made
 * afresh per execution. The heap snapshot refuses what it cannot restore
 * exactly; then, or for a subject that declares no `state`, every execution
 * builds and re-runs the set-up as before. `rerunSetup` forces that (the
 * reference the snapshot is tested against: properties/heap_snapshot.test.ts).
 */
import type { Execution, Program } from "../../runtime/exhaustive/program";
import { HeapSnapshot } from "../../runtime/exhaustive/heap_snapshot";
import { runThreads } from "../../runtime/run";
import { DEFAULT_BUDGET } from "../search/trace";
import type { Trace, Variant } from "../subject";

/** `tso`: x86-TSO store buffers, each commit an event of its own (runtime/machine.ts). */
export function scenarioProgram(trace: Trace, variant: Variant, opts: { rerunSetup?: boolean; tso?: boolean } = {}): Program {
  let saved: { exec: Execution; snapshot: HeapSnapshot } | null = null;
  let first = true;
  return {
    start(): Execution | { setupFailure: unknown } {
      if (saved !== null) {
        saved.exec.machine.mem.log = null;
        saved.snapshot.restore();
        return saved.exec;
      }
      const built = variant.subject.build(trace, variant, { tso: opts.tso ?? false, full: false });
      const m = built.machine;
      m.observers.push(built.checker);
      try {
        built.setup();
      } catch (e) {
        return { setupFailure: e };
      }
      m.stepIndex = 0;
      built.exhaustiveOnly?.();
      const exec: Execution = {
        machine: m,
        run: (scheduler, hooks) => runThreads(m, scheduler, DEFAULT_BUDGET, () => built.checker.atQuiescence(), hooks),
        ...(built.footprint ? { extraFootprint: (c, into) => built.footprint!(c, into) } : {}),
        checks: () => built.checker.checks,
      };
      if (first && !opts.rerunSetup && built.state !== undefined) {
        const s = HeapSnapshot.take([m, built.threads, built.checker, ...built.state], [variant, trace]);
        if (s instanceof HeapSnapshot) saved = { exec, snapshot: s };
      }
      first = false;
      return exec;
    },
  };
}
