/**
 * The main job's default budget (DEFAULT_CHECK: what `rmapcheck --design
 * NAME --seed S` runs) finds the violation of every design that has a known
 * one (knownRace in impl/designs.ts and impl/lockless/designs.ts;
 * docs/findings.md, docs/findings-lockless.md) where the design says it shows:
 * on each seed it declares (shownBy.seeds; seed 1 when it declares none), and,
 * when it declares a scenario, in the exhaustive mode on that scenario within
 * the declared preemption bound. Every design that has no known race passes
 * seed 1. In every subject. The same over 20 seeds, with times, is
 * `npm run bench`'s designs table (docs/benchmarks.md).
 */
import { check, DEFAULT_CHECK, DEFAULT_SUBJECT, exhaustive, listing, loadScenario, resolveVariant, SUBJECTS } from "../checker";

describe.each(SUBJECTS.map((s) => [s.name, s] as const))("the default budget, subject %s", (_name, subject) => {
  const flag = subject === DEFAULT_SUBJECT ? "" : `--subject ${subject.name} `;
  for (const d of subject.designs) {
    const seeds = d.knownRace === null ? [1] : (d.shownBy?.seeds ?? [1]);
    for (const seed of seeds) {
      const expected = d.knownRace === null ? "passes" : `finds its known violation (${d.knownRace})`;
      test(`${flag}--design ${d.name} --seed ${seed} ${expected}`, () => {
        const s = check({ ...DEFAULT_CHECK, seed, variant: resolveVariant(d.name, null, subject) }).summary;
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
    const sc = d.shownBy?.scenario;
    if (d.knownRace !== null && sc !== undefined) {
      test(`${flag}--exhaustive --scenario ${sc.name} --design ${d.name} --preemptions ${sc.preemptions} finds its known violation`, () => {
        const o = exhaustive({ variant: resolveVariant(d.name, null, subject), scenario: loadScenario(sc.name), preemptions: sc.preemptions });
        expect(o.summary.verdict).toBe("violation");
      });
    }
  }

  test("the listing has the designs tested here", () => {
    expect(listing(subject).designs.map((x) => x.name)).toEqual(subject.designs.map((x) => x.name));
  });
});
