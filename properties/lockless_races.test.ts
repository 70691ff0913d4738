/**
 * The lockless mutants that need a race (issue 20, origin "race" in
 * impl/lockless/mutants/index.ts): on the scenario each names, the
 * exhaustive mode finds no violation among the schedules without a
 * preemption and finds one within two; the sequential property (300 command
 * sequences, one thread) finds none; and the merged code under the known
 * callers is verified on every scenario they name within two preemptions.
 * The sampled search on 20 seeds is the benchmark's (docs/mutants.md).
 */
import { check, DEFAULT_CHECK, exhaustive, loadScenario } from "../checker";
import { fewestPreemptions } from "../checker/jobs/mutants";
import { LOCKLESS_MUTANTS } from "../impl/lockless/mutants";
import { lvariant } from "./lockless_support";

const RACES = LOCKLESS_MUTANTS.filter((m) => m.origin === "race");
const scenarios = [...new Set(RACES.map((m) => m.scenario!))].sort();

describe("lockless mutants that need a race", () => {
  test("there are at least twelve, each with a scenario", () => {
    expect(RACES.length).toBeGreaterThanOrEqual(12);
    for (const m of RACES) expect(m.scenario).toBeDefined();
  });

  for (const m of RACES) {
    test(`${m.name}: none without a preemption, shown within two on ${m.scenario}; no sequential run shows it`, () => {
      const v = lvariant(null, m.name);
      const zero = exhaustive({ variant: v, scenario: loadScenario(m.scenario!), preemptions: 0 }).summary;
      expect(zero.verdict).toBe("verified");
      const f = fewestPreemptions(v);
      // docs/mutants.md: one preemption each, two for lock-retry-skips-spin.
      expect(f?.fewestPreemptions).toBe(m.name === "lock-retry-skips-spin" ? 2 : 1);
      const seq = check({ ...DEFAULT_CHECK, variant: v, seed: 1, runs: 0, sequences: 100 }).summary;
      expect(seq.violation).toBeNull();
    });
  }

  // The stale-snapshot class: a write computed before a lock holder removed a permission in place grants it back.
  for (const name of ["age-store-from-snapshot", "age-at-retry-stale", "fast-pf-retry-stale"]) {
    test(`${name} is named a restore from a stale snapshot`, () => {
      const m = RACES.find((x) => x.name === name)!;
      const s = exhaustive({ variant: lvariant(null, name), scenario: loadScenario(m.scenario!), preemptions: 1 }).summary;
      expect(s.violation?.detail).toMatch(/grants (W|MMU-writable).*a restore from a stale snapshot/);
    });
  }

  for (const name of scenarios) {
    test(`merged-aligned-callers is verified on ${name} within two preemptions`, () => {
      const s = exhaustive({ variant: lvariant("merged-aligned-callers"), scenario: loadScenario(name), preemptions: 2 }).summary;
      expect(s.verdict).toBe("verified");
    });
  }
});
