/**
 * Counterexamples for people, in the format asked for: "wide" (one column per
 * thread), "narrow" (at most 80 columns, each step with its impl/ file and
 * line), or "auto": wide when it fits the terminal, else narrow.
 */
import type { Variant } from "../subject";
import { type Counterexample, formatCounterexample } from "./counterexample";
import { formatNarrow } from "./narrow";
import { stepSites } from "./step_sites";

export type Format = "wide" | "narrow" | "auto";

/** `columns`: the terminal's width, or null when output is not a terminal. */
export function formatter(format: Format, columns: number | null): (cx: Counterexample, variant: Variant, replay: string) => string {
  return (cx, variant, replay) => {
    if (format !== "narrow") {
      const wide = formatCounterexample(cx, variant.subject, replay);
      const width = Math.max(...wide.split("\n").map((l) => l.length));
      if (format === "wide" || (columns !== null && width <= columns)) return wide;
    }
    return formatNarrow(cx, variant.subject, stepSites(cx, variant), replay).join("\n");
  };
}
