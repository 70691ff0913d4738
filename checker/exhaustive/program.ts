/**
 * A scenario as a program the exhaustive explorer can re-run
 * (runtime/exhaustive/program.ts): every execution builds the world afresh,
 * runs the set-up alone, and runs the threads with the same step checker,
 * refinement and quiescence checks as a sampled run (checker/search/trace.ts
 * prepareTrace), with the checker's ghost state reported as resources.
 */
import type { Execution, Program } from "../../runtime/exhaustive/program";
import { runThreads } from "../../runtime/run";
import { DEFAULT_BUDGET, prepareTrace, type Trace } from "../search/trace";
import type { Variant } from "../variants";
import { activeMmuPagesLogged, ghostResources } from "./ghost_resources";

export function scenarioProgram(trace: Trace, variant: Variant): Program {
  return {
    start(): Execution | { setupFailure: unknown } {
      const p = prepareTrace(trace, variant);
      if (p.setupFailure !== null) return { setupFailure: p.setupFailure };
      activeMmuPagesLogged(p.world);
      const m = p.world.machine;
      return {
        machine: m,
        run: (scheduler, hooks) => runThreads(m, scheduler, DEFAULT_BUDGET, () => p.checker.atQuiescence(), hooks),
        extraFootprint: (c, into) => ghostResources(p.world, c, into),
        checks: () => p.checker.checks,
      };
    },
  };
}
