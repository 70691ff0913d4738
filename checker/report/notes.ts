/**
 * What a counterexample's printed form adds to its schedule (computed by
 * checker/report/step_notes.ts from one replay): each step's impl/ site, and
 * under x86-TSO the stores that went into a store buffer.
 */
import type { Counterexample } from "./counterexample";

export interface StepNotes {
  /** label -> impl file and line. */
  sites: ReadonlyMap<string, string>;
  /** x86-TSO: steps (schedule indices) whose store was buffered, and those still buffered at the end. */
  buffered: ReadonlySet<number>;
  stillBuffered: readonly number[];
  /** x86-TSO: load step -> the steps whose buffered store to the same word it did not see. */
  missed: ReadonlyMap<number, readonly number[]>;
}

export const NO_NOTES: StepNotes = { sites: new Map(), buffered: new Set(), stillBuffered: [], missed: new Map() };

/** What the printed form appends to a step's label: " (buffered)", " (misses the buffered store of step 9)". */
export function stepSuffix(notes: StepNotes, i: number): string {
  if (notes.buffered.has(i)) return " (buffered)";
  const missed = notes.missed.get(i);
  if (missed === undefined) return "";
  return ` (misses the buffered store${missed.length === 1 ? "" : "s"} of step${missed.length === 1 ? "" : "s"} ${missed.map((k) => k + 1).join(", ")})`;
}

/** x86-TSO: one line naming the stores still buffered when the run failed, or null. */
export function stillBufferedLine(cx: Counterexample, notes: StepNotes): string | null {
  if (cx.tso !== true || notes.stillBuffered.length === 0) return null;
  const steps = notes.stillBuffered.map((i) => i + 1);
  const at = cx.failedAt === null ? "at the end of the run" : `when step ${cx.failedAt + 1} ran`;
  return `x86-TSO: the store${steps.length === 1 ? "" : "s"} of step${steps.length === 1 ? "" : "s"} ${steps.join(", ")} ${steps.length === 1 ? "was" : "were"} still in a store buffer ${at}: no other CPU could see ${steps.length === 1 ? "it" : "them"} yet`;
}
