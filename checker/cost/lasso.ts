/**
 * A livelocked run as a lasso: the steps before a cycle, and one turn of the
 * cycle. The run is read as its (thread, label) sequence; the cycle is the
 * shortest period with which the run's last steps repeat at least three times.
 * Addresses and ids do not appear in labels, so a loop that allocates a new
 * shadow page each turn still reads as a cycle.
 */
import type { TraceStep } from "../../runtime/run";

export interface Lasso {
  /** Steps before the first full turn found (the "stem"), counted from the run's start. */
  stem: number;
  /** One turn of the cycle. */
  cycle: TraceStep[];
}

const same = (a: TraceStep, b: TraceStep): boolean => a.thread === b.thread && a.label === b.label;

/** The lasso of a run that did not finish, or null if its tail does not repeat with a period up to maxPeriod. */
export function findLasso(trace: readonly TraceStep[], maxPeriod = 2000): Lasso | null {
  const n = trace.length;
  for (let p = 1; p <= maxPeriod && 3 * p <= n; p++) {
    let ok = true;
    for (let i = n - 2 * p; i < n && ok; i++) ok = same(trace[i]!, trace[i - p]!);
    if (!ok) continue;
    let start = n - 3 * p;
    while (start > 0 && same(trace[start - 1]!, trace[start - 1 + p]!)) start--;
    return { stem: start, cycle: trace.slice(start, start + p) };
  }
  return null;
}
