/**
 * Counterexamples for people, in the format asked for: "wide" (one column per
 * thread), "narrow" (at most 80 columns, each step with its impl/ file and
 * line), or "auto": wide when it fits the terminal, else narrow.
 */
import type { Variant } from "../subject";
import { type Counterexample, formatCounterexample } from "./counterexample";
import { formatNarrow } from "./narrow";
import { NO_NOTES } from "./notes";
import { stepNotes } from "./step_notes";

/** "html": one HTML document (checker/report/html.ts), for --replay FILE only; the text forms fall back to auto. */
export type Format = "wide" | "narrow" | "auto" | "html";

/** `columns`: the terminal's width, or null when output is not a terminal. */
export function formatter(format: Format, columns: number | null): (cx: Counterexample, variant: Variant, replay: string) => string {
  return (cx, variant, replay) => {
    // The narrow form needs a replay for its impl/ sites; under x86-TSO both
    // forms mark the buffered stores, which a replay tells too.
    const notes = format === "narrow" || cx.tso === true ? stepNotes(cx, variant) : null;
    if (format !== "narrow") {
      // (html is written by the replay job itself; elsewhere a text form is shown)
      const wide = formatCounterexample(cx, variant.subject, replay, notes ?? NO_NOTES);
      const width = Math.max(...wide.split("\n").map((l) => l.length));
      if (format === "wide" || (columns !== null && width <= columns)) return wide;
    }
    return formatNarrow(cx, variant.subject, notes ?? stepNotes(cx, variant), replay).join("\n");
  };
}
