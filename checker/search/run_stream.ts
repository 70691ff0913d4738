/**
 * The generated runs of a seed, addressed by index. Run i of seed s is the
 * value fast-check draws i-th for that seed: fast-check gives each run its own
 * random generator (the seed's, jumped i + 1 times), so run i is the same
 * value whether the stream is read from its start or from i (fast-check's
 * `path` option, which skips the runs before i without generating them). The
 * sampled search reads it from 0 on one thread; its worker threads
 * (search_pool.ts) read slices. Tested: a slice equals the same runs read
 * from 0 (properties/search_pool.test.ts).
 */
import fc from "fast-check";
import { Interrupted } from "../interrupted";
import type { GeneratedRun, Variant } from "../subject";

/**
 * Runs `start` .. `start + count - 1` of `seed`, in order, each given to
 * `run` with its index, until `run` returns false (a violation): that run
 * and its index, or null if none failed. An error thrown by `run`
 * (Interrupted included) is thrown here, never taken for a failing run.
 */
export function firstFailing(variant: Variant, seed: number, start: number, count: number, run: (g: GeneratedRun, index: number) => boolean): { g: GeneratedRun; index: number } | null {
  if (count <= 0) return null;
  let index = start;
  let hit: { g: GeneratedRun; index: number } | null = null;
  const prop = fc.property(variant.subject.runArb(variant), (g) => {
    const ok = run(g, index);
    if (!ok) hit = { g, index };
    index++;
    return ok;
  });
  // No path from 0: the search as it always ran (the same values, tested).
  const out = fc.check(prop, { seed, numRuns: count, endOnFailure: true, ...(start > 0 ? { path: String(start) } : {}) });
  if (out.errorInstance instanceof Interrupted) throw out.errorInstance;
  if (out.failed && hit === null) throw out.errorInstance instanceof Error ? out.errorInstance : new Error(String(out.errorInstance));
  return hit;
}
