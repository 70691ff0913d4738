/** Where a long job is: its phase, how far within the phase's budget, violations seen so far. */
export interface Progress {
  phase: "sequential" | "concurrent" | "shrinking" | "exhaustive" | "mutants" | "compare";
  done: number;
  budget: number;
  violations: number;
}
