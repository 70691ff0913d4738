/**
 * A scenario as a program the exhaustive explorer can re-run
 * (runtime/exhaustive/program.ts): every execution builds the subject's world
 * afresh (Subject.build), runs the set-up alone, and runs the threads with
 * the same step checker, refinement and quiescence checks as a sampled run,
 * with the state the subject keeps outside simulated memory reported as
 * footprint resources (BuiltRun.footprint).
 */
import type { Execution, Program } from "../../runtime/exhaustive/program";
import { runThreads } from "../../runtime/run";
import { DEFAULT_BUDGET } from "../search/trace";
import type { Trace, Variant } from "../subject";

/** `tso`: x86-TSO store buffers, each commit an event of its own (runtime/machine.ts). */
export function scenarioProgram(trace: Trace, variant: Variant, tso = false): Program {
  return {
    start(): Execution | { setupFailure: unknown } {
      const built = variant.subject.build(trace, variant, { tso, full: false });
      const m = built.machine;
      m.observers.push(built.checker);
      try {
        built.setup();
      } catch (e) {
        return { setupFailure: e };
      }
      m.stepIndex = 0;
      built.exhaustiveOnly?.();
      return {
        machine: m,
        run: (scheduler, hooks) => runThreads(m, scheduler, DEFAULT_BUDGET, () => built.checker.atQuiescence(), hooks),
        ...(built.footprint ? { extraFootprint: (c, into) => built.footprint!(c, into) } : {}),
        checks: () => built.checker.checks,
      };
    },
  };
}
