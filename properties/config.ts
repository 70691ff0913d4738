/**
 * Bounds of the checker in one place, with environment overrides
 * (RMAPCHECK_<NAME>=value). CI uses the defaults and fixed seeds.
 */
function env(name: string, dflt: number): number {
  const v = process.env[`RMAPCHECK_${name}`];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`RMAPCHECK_${name} must be a non-negative integer, got "${v}"`);
  return n;
}

export const BOUNDS = {
  /** Command sequences per sequential property. */
  SEQ_RUNS: env("SEQ_RUNS", 1000),
  /** Longest command sequence. */
  SEQ_MAX_COMMANDS: env("SEQ_MAX_COMMANDS", 40),
  /** Fixed seed of the sequential properties. */
  SEQ_SEED: env("SEQ_SEED", 20130416),
  /** Largest gfn a generated operation names. */
  MAX_GFN: env("MAX_GFN", 17),
  /** Quadrants (shadow pages that map the same gfn). */
  QUADRANTS: env("QUADRANTS", 4),
  /** Concurrent runs per design and scheduler in CI. */
  CONC_RUNS: env("CONC_RUNS", 3000),
  /** Fixed seed of the concurrent properties. */
  CONC_SEED: env("CONC_SEED", 7),
  /** Run budget of the tests that must find a known race. */
  FIND_RUNS: env("FIND_RUNS", 5000),
  /** Further failing runs explored for a shorter counterexample (explore's `candidates`). */
  CANDIDATES: env("CANDIDATES", 3),
};
