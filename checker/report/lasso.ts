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

/**
 * The lasso of a run that did not finish, or null if its tail does not repeat
 * with a period up to maxPeriod: among the periods with which the run's last
 * steps repeat at least three times, the one whose repetition reaches back
 * furthest (the shortest stem), and the shortest of those.
 */
export function findLasso(trace: readonly TraceStep[], maxPeriod = 2000): Lasso | null {
  const n = trace.length;
  let best: { stem: number; period: number } | null = null;
  for (let p = 1; p <= maxPeriod && 3 * p <= n; p++) {
    let start = n - p;
    while (start > 0 && same(trace[start - 1]!, trace[start - 1 + p]!)) start--;
    if (n - start >= 3 * p && (best === null || start < best.stem)) best = { stem: start, period: p };
  }
  return best === null ? null : { stem: best.stem, cycle: trace.slice(best.stem, best.stem + best.period) };
}

/** What a report prints of a schedule: every step, or for a livelock its stem and one turn of its cycle. */
export interface Shown {
  /** Indexes into the schedule, in order. */
  steps: number[];
  /** Set for a livelock read as a lasso: where the cycle starts, its length, and the full turns seen. */
  cycle: { start: number; period: number; turns: number } | null;
}

export function shownSteps(schedule: readonly TraceStep[], invariant: string): Shown {
  const all = schedule.map((_, i) => i);
  if (invariant !== "LIVELOCK") return { steps: all, cycle: null };
  const lasso = findLasso(schedule);
  if (lasso === null) return { steps: all, cycle: null };
  const period = lasso.cycle.length;
  const turns = Math.floor((schedule.length - lasso.stem) / period);
  return { steps: all.slice(0, lasso.stem + period), cycle: { start: lasso.stem, period, turns } };
}

/** The line a report prints after one turn of a livelock's cycle. */
export function cycleNote(c: NonNullable<Shown["cycle"]>): string {
  return `steps ${c.start + 1}-${c.start + c.period} repeat forever: ${c.turns} identical turns, step for step, until the run's step budget`;
}
