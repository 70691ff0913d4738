/**
 * The mutant catalogue in CI: a fixed-seed subset (one mutant of each kind of
 * bug) must be caught, with a 1-minimal counterexample. The whole catalogue on
 * 20 seeds runs in the benchmark (npm run bench), not here.
 */
import { MUTANTS, mutantNamed } from "../impl/mutants";
import { DESIGNS } from "../impl/designs";
import { explore } from "./explore";
import { isOneMinimal } from "./minimize";
import { runTrace } from "./trace";

const SUBSET = [
  "unmap-invalid-no-skip-check",
  "invalid-remove-is-pte-list-remove",
  "unmapper-does-not-publish",
  "volatile-bits-ignored",
  "unmap-invalid-reset-before-clear",
  "no-gen-bump",
  "handshake-no-mb",
  "no-backfill",
  "normal-remove-writes-skip",
  "ops-switched-before-install",
  "commit-skips-flush",
];

describe("mutant catalogue", () => {
  test("has every spec §5 row and at least ten more, each with a unique name and a known design", () => {
    const names = new Set(MUTANTS.map((m) => m.name));
    expect(names.size).toBe(MUTANTS.length);
    for (let i = 1; i <= 14; i++) expect(MUTANTS.some((m) => m.origin === `M${i}`)).toBe(true);
    expect(MUTANTS.filter((m) => m.origin === "new").length).toBeGreaterThanOrEqual(10);
    for (const m of MUTANTS) expect(DESIGNS[m.design ?? "v3-fixed"]).toBeDefined();
  });

  for (const name of SUBSET) {
    test(`${name} is caught with a 1-minimal counterexample`, () => {
      const m = mutantNamed(name)!;
      const tso = m.needsTso === true;
      const r = explore({ design: m.design ?? "v3-fixed", seed: 1, runs: 20000, scheduler: "pct", tso, mutant: { name, overrides: m.overrides } });
      expect(r.counterexample).not.toBeNull();
      const run = (t: Parameters<typeof runTrace>[0]) => runTrace(t, { tso, overrides: m.overrides }).result;
      expect(isOneMinimal(r.counterexample!.trace, run)).toBe(true);
    });
  }

  test("handshake-no-mb needs x86-TSO: under sequential consistency the same budget finds nothing", () => {
    const m = mutantNamed("handshake-no-mb")!;
    const r = explore({ design: "v3-fixed", seed: 1, runs: 2000, scheduler: "pct", mutant: { name: m.name, overrides: m.overrides } });
    expect(r.counterexample).toBeNull();
  });
});
