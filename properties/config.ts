/**
 * Budgets of the jest properties in one place, with environment overrides
 * (RMAPCHECK_<NAME>=value). CI uses the defaults and fixed seeds. The bounds
 * of what is generated are checker/search/bounds.ts.
 */
import { envInt } from "../checker/search/bounds";

export const BOUNDS = {
  /** Command sequences per sequential property. */
  SEQ_RUNS: envInt("SEQ_RUNS", 1000),
  /** Fixed seed of the sequential properties. */
  SEQ_SEED: envInt("SEQ_SEED", 20130416),
  /** Concurrent runs per design and scheduler in CI. */
  CONC_RUNS: envInt("CONC_RUNS", 3000),
  /** Fixed seed of the concurrent properties. */
  CONC_SEED: envInt("CONC_SEED", 7),
  /** Run budget of the tests that must find a known race. */
  FIND_RUNS: envInt("FIND_RUNS", 5000),
  /** Further failing runs explored for a shorter counterexample (explore's `candidates`). */
  CANDIDATES: envInt("CANDIDATES", 3),
};
