/**
 * The correct designs in the exhaustive mode: every design of every subject
 * with no known race, on every named scenario of its subject it can run,
 * verified, and cross-checked against plain enumeration within 1 preemption
 * (split from exhaustive.test.ts so that jest's workers share the work).
 */
import { exhaustive, type ExhaustiveRequest } from "../checker/jobs/exhaustive";
import { traceOf } from "../checker/exhaustive/scenario";
import { DEFAULT_SUBJECT, listing, resolveVariant, SUBJECTS } from "../checker/variants";
import { loadScenario, scenariosOf } from "../checker/exhaustive/scenario_files";

describe("the correct designs in the exhaustive mode", () => {
  // Every design with no known race, of every subject, on every named
  // scenario of its subject that it can run (the v3-DELETE scenarios are
  // refused for designs without one, unaligned aging ranges for designs that
  // assume the known callers): the series at most 1 preemption, the lockless
  // subject's smaller scenarios at most 2. The series' 2-preemption table is
  // docs/exhaustive.md (npm run bench). No scenario is left out: a design
  // with a known violation on one (the lockless subject's L5 and L6) is not
  // a correct design (its knownRace says so, and default_budget.test.ts
  // pins where it shows).
  for (const subject of SUBJECTS) {
    const bound = subject === DEFAULT_SUBJECT ? 1 : 2;
    const scenarios = scenariosOf(subject).map((s) => s.name);
    for (const d of listing(subject).designs.filter((x) => x.knownRace === null)) {
      test(`${subject.name}, ${d.name}: verified on every scenario it can run, at most ${bound} preemption(s), cross-checked at 1`, () => {
        let ran = 0;
        for (const name of scenarios) {
          // --cross-check 1: plain enumeration within 1 preemption reaches no behaviour class the reduced search missed.
          const r: ExhaustiveRequest = { variant: resolveVariant(d.name, null, subject), scenario: loadScenario(name), preemptions: bound, crossCheck: { bound: 1 } };
          const problem = subject.traceProblem?.(traceOf(r.scenario, d.name), r.variant) ?? null;
          if (problem !== null) continue;
          const s = exhaustive(r).summary;
          const c = s.crossCheck;
          expect({ name, verdict: s.verdict, missed: c?.missed, complete: c?.complete }).toEqual({ name, verdict: "verified", missed: 0, complete: true });
          expect(c!.plainClasses).toBeGreaterThan(0);
          ran++;
        }
        expect(ran).toBeGreaterThanOrEqual(subject === DEFAULT_SUBJECT ? 8 : 4);
      });
    }
  }
});
