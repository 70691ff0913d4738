/**
 * DPOR with each subject's declared footprint against plain enumeration, on
 * the kernel scenarios (split from exhaustive.test.ts so that jest's workers
 * share the work; DPOR on small programs: dpor.test.ts).
 */
import { DEFAULT_SUBJECT, resolveSubject, resolveVariant } from "../checker/variants";
import type { Subject } from "../checker/subject";
import { loadScenario, scenariosOf } from "../checker/exhaustive/scenario_files";
import { expectDporAgreesWithPlain } from "./dpor_outcomes";

// Each subject declares the checker state it keeps outside simulated memory
// (checker/series/exhaustive_resources.ts, checker/lockless/
// exhaustive_resources.ts); if a declaration were missing, the reduction
// could skip the order that shows a violation. So, on kernel scenarios: the
// reduced search finds a violation exactly when plain enumeration (every
// schedule within the bound) does, and reaches every final state it reaches.
// The lockless subject: every design on every scenario, and each mutant on
// the scenario the catalogue names for it (where its change shows); every
// mutant on every scenario with RMAPCHECK_DIFF_MUTANTS=1 (2,927 comparisons,
// about 5 minutes on 2 cores, nearly a third of CI's test time when it ran
// there; a mutant's own scenario is the one that reaches its change).
// The series: its three smallest scenarios, every design (every mutant as
// well with RMAPCHECK_DIFF_MUTANTS=1: 177 comparisons, about 3 minutes on 2 cores).
describe("DPOR with each subject's declared footprint agrees with plain enumeration on kernel scenarios", () => {
  const allMutants = process.env.RMAPCHECK_DIFF_MUTANTS === "1";
  const lockless = resolveSubject("lockless-aging");
  const everyLockless = scenariosOf(lockless).map((s) => s.name);
  const cases: Array<{ subject: Subject; scenarios: string[]; mutants: boolean; expected: number | null }> = [
    { subject: lockless, scenarios: everyLockless, mutants: allMutants, expected: allMutants ? 2927 : 362 },
    { subject: DEFAULT_SUBJECT, scenarios: ["f1-destroy-vs-shrink", "corpus-fault-vs-hw-write", "corpus-change-pte-vs-hw-write"], mutants: allMutants, expected: allMutants ? 177 : null },
  ];
  for (const c of cases) {
    test(`${c.subject.name}: every ${c.mutants ? "design and mutant" : "design"} on ${c.scenarios.length} scenarios, at most 1 preemption`, () => {
      const variants = [...c.subject.designs.map((d) => resolveVariant(d.name, null, c.subject)), ...(c.mutants ? c.subject.mutants.map((m) => resolveVariant(null, m.name, c.subject)) : [])];
      const compared = expectDporAgreesWithPlain(c.subject, c.scenarios.map(loadScenario), variants);
      if (c.expected !== null) expect(compared).toBe(c.expected);
      else expect(compared).toBeGreaterThanOrEqual(3 * 4);
    });
  }

  if (!allMutants) {
    test("lockless-aging: every mutant on the scenario the catalogue names for it, at most 1 preemption", () => {
      let compared = 0;
      for (const m of lockless.mutants) {
        const scenario = m.scenario ?? `(none named for ${m.name})`;
        expect(everyLockless).toContain(scenario);
        compared += expectDporAgreesWithPlain(lockless, [loadScenario(scenario)], [resolveVariant(null, m.name, lockless)]);
      }
      // Every mutant but those that need x86-TSO (expectDporAgreesWithPlain explores sequential consistency).
      expect(compared).toBe(lockless.mutants.filter((m) => !m.needsTso).length);
    });
  }
});
