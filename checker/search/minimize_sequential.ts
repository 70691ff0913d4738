/**
 * A sequential counterexample made 1-minimal, after fast-check's shrinking:
 * removing any single command, or any one smaller configuration the subject
 * offers (a slot with a page fewer, one slot fewer), makes the sequence pass.
 * Each candidate is run again beside the model with every check.
 */
import type { SequentialResult, Trace, Variant } from "../subject";

export interface SequentialMinimized {
  trace: Trace;
  result: SequentialResult;
  runs: number;
}

function removals(t: Trace): Trace[] {
  const ops = t.threads[0]!.ops;
  if (ops.length <= 1) return [];
  return ops.map((_, i) => ({ ...t, threads: [{ ...t.threads[0]!, ops: ops.filter((__, j) => j !== i) }] }));
}

export function minimizeSequential(start: Trace, result: SequentialResult, variant: Variant, interrupted: () => boolean = () => false): SequentialMinimized {
  let trace = start;
  let best = result;
  let runs = 0;
  for (let changed = true; changed && !interrupted(); ) {
    changed = false;
    for (const cand of [...removals(trace), ...variant.subject.configShrinks(trace)]) {
      if (interrupted()) break;
      const r = variant.subject.runSequential(cand, variant);
      runs++;
      if (r.violation !== null) {
        trace = cand;
        best = r;
        changed = true;
        break;
      }
    }
  }
  return { trace, result: best, runs };
}
