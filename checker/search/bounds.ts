/**
 * Bounds of the generated configurations and operations, in one place, with
 * environment overrides (RMAPCHECK_<NAME>=value). The test budgets (runs and
 * seeds) are in properties/config.ts.
 */

/** A non-negative integer from RMAPCHECK_<name>, else `dflt`. */
export function envInt(name: string, dflt: number): number {
  const v = process.env[`RMAPCHECK_${name}`];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`RMAPCHECK_${name} must be a non-negative integer, got "${v}"`);
  return n;
}

export const SEARCH_BOUNDS = {
  /** Longest sequential command sequence. */
  SEQ_MAX_COMMANDS: envInt("SEQ_MAX_COMMANDS", 40),
  /** Largest gfn a generated operation names. */
  MAX_GFN: envInt("MAX_GFN", 17),
  /** Quadrants (shadow pages that map the same gfn). */
  QUADRANTS: envInt("QUADRANTS", 4),
};
