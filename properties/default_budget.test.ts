/**
 * The main job's default budget (DEFAULT_CHECK: what `rmapcheck --design
 * NAME` runs, seed 1) finds the race of every design that has a known one
 * (impl/designs.ts knownRace, docs/findings.md), and passes every design that
 * has none. The same over 20 seeds, with times, is `npm run bench`'s designs
 * table (docs/benchmarks.md).
 */
import { check, DEFAULT_CHECK, listing, resolveVariant } from "../checker";

describe("the default budget", () => {
  for (const d of listing().designs) {
    const expected = d.knownRace === null ? "passes" : `finds its known race (${d.knownRace})`;
    test(`--design ${d.name} ${expected}`, () => {
      const s = check({ ...DEFAULT_CHECK, variant: resolveVariant(d.name, null) }).summary;
      if (d.knownRace === null) {
        expect(s.violation).toBeNull();
        expect(s.ok).toBe(true);
        expect(s.runs).toBe(DEFAULT_CHECK.runs);
      } else {
        expect(s.violation).not.toBeNull();
        expect(s.ok).toBe(false);
      }
    });
  }
});
