/**
 * The main job's default budget (DEFAULT_CHECK: what `rmapcheck --design
 * NAME` runs, seed 1) finds the violation of every design that has a known
 * one (knownRace in impl/designs.ts and impl/lockless/designs.ts;
 * docs/findings.md, docs/findings-lockless.md), and passes every design that
 * has none, in every subject. The same over 20 seeds, with times, is `npm run bench`'s designs
 * table (docs/benchmarks.md).
 */
import { check, DEFAULT_CHECK, DEFAULT_SUBJECT, listing, resolveVariant, SUBJECTS } from "../checker";

describe.each(SUBJECTS.map((s) => [s.name, s] as const))("the default budget, subject %s", (_name, subject) => {
  const flag = subject === DEFAULT_SUBJECT ? "" : `--subject ${subject.name} `;
  for (const d of listing(subject).designs) {
    const expected = d.knownRace === null ? "passes" : `finds its known violation (${d.knownRace})`;
    test(`${flag}--design ${d.name} ${expected}`, () => {
      const s = check({ ...DEFAULT_CHECK, variant: resolveVariant(d.name, null, subject) }).summary;
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
