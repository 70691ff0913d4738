/**
 * The shared jobs with the lockless subject: the main check (sequential then
 * concurrent), the mutant catalogue, replay of a saved counterexample, the
 * listing, and the names the CLI resolves.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadInput, check, listing, optionsLine, replay, resolveVariant, runCatalogue, serialize } from "../checker";
import { LOCKLESS_MUTANTS } from "../impl/lockless/mutants";
import { fewestPreemptions } from "../checker/jobs/mutants";
import { LOCKLESS, lvariant } from "./lockless_support";

const base = { seed: 1, sequences: 30, scheduler: "pct" as const, depth: 3, tso: false };

describe("the jobs on the lockless subject", () => {
  test("listing names the subject, its designs and every mutant", () => {
    const l = listing(LOCKLESS);
    expect(l.subject).toBe("lockless-aging");
    expect(l.designs.map((d) => d.name)).toEqual(["merged", "merged-aligned-callers", "index-walk", "merged-one-read", "age-skips-elided", "split-after-drop", "pre-928c54b1c4ca", "unzeroed-desc-cache"]);
    expect(l.mutants.map((m) => m.name)).toEqual(LOCKLESS_MUTANTS.map((m) => m.name));
  });

  test("names are resolved within the subject: a 2013 design or mutant is unknown here", () => {
    expect(resolveVariant(null, null, LOCKLESS).design.name).toBe("merged");
    expect(() => resolveVariant("v3-fixed", null, LOCKLESS)).toThrow(BadInput);
    expect(() => resolveVariant(null, "no-backfill", LOCKLESS)).toThrow(BadInput);
  });

  test("check passes the merged code under aligned callers and says how to rerun it", () => {
    const r = check({ ...base, runs: 500, variant: resolveVariant("merged-aligned-callers", null, LOCKLESS) });
    expect(r.summary.ok).toBe(true);
    expect(r.summary.subject).toBe("lockless-aging");
    expect(r.summary.runs).toBe(500);
    expect(r.summary.sequential.sequences).toBe(30);
    expect(optionsLine({ ...base, runs: 500, variant: resolveVariant("merged", null, LOCKLESS) })).toContain("--subject lockless-aging --design merged");
  });

  test("check saves the counterexample of a race, and replay reproduces it exactly; a changed label is a usage error", () => {
    const dir = mkdtempSync(join(tmpdir(), "rmapcheck-"));
    const file = join(dir, "cx.json");
    const r = check({ ...base, sequences: 0, runs: 5000, variant: resolveVariant("pre-928c54b1c4ca", null, LOCKLESS) }, { save: (cx) => (writeFileSync(file, serialize(cx)), file) });
    expect(r.summary.violation?.invariant).toBe("LOST-UPDATE");
    expect(r.summary.violation?.file).toBe(file);
    expect(r.text).toContain("subject lockless-aging");
    const again = replay(file);
    expect(again.status).toBe(1);
    expect(again.json.sameAsFile).toBe(true);
    const saved = JSON.parse(readFileSync(file, "utf8"));
    saved.schedule[0].label = "not a step of the code";
    writeFileSync(file, JSON.stringify(saved));
    expect(() => replay(file)).toThrow(BadInput);
  });

  test("a file whose configuration or operations the kernel cannot have is bad input", () => {
    const dir = mkdtempSync(join(tmpdir(), "rmapcheck-"));
    const good = JSON.parse(readFileSync(join(__dirname, "corpus", "lockless", "merged-AGE-COVERAGE-seed1.json"), "utf8"));
    const bad = (edit: (f: typeof good) => void): (() => unknown) => {
      const f = structuredClone(good);
      edit(f);
      const file = join(dir, "bad.json");
      writeFileSync(file, JSON.stringify(f));
      return () => replay(file);
    };
    expect(bad((f) => Object.assign(f.trace.config.kvm, { kvm_ad_enabled: false, dirtyLogging: true, pml: true }))).toThrow(/PML without EPT A\/D/);
    expect(bad((f) => (f.trace.setup[0] = { kind: "clear_young", start: 0x45, end: 0x45, flush: false }))).toThrow(/end must be above start/);
    expect(bad((f) => (f.trace.setup[0] = { kind: "age_everything" }))).toThrow(BadInput);
  });

  test("the mutant catalogue runs for the subject and detects every mutant on a small budget", () => {
    // Each mutant's fewest preemptions (the exhaustive field) is checked for the race mutants in lockless_races.test.ts.
    const r = runCatalogue({ ...base, runs: 3000 }, { fewestPreemptions: false }, LOCKLESS);
    expect(r.rows.map((x) => x.name)).toEqual(LOCKLESS_MUTANTS.map((m) => m.name));
    // The mutants that need a race are checked by the exhaustive mode in properties/lockless_races.test.ts
    // and properties/lockless_tdp.test.ts. Any other mutant this small budget misses must be shown by the
    // exhaustive mode on the scenario it names (its 20-seed sampled figure is the benchmark's, docs/mutants.md).
    const races = new Set(LOCKLESS_MUTANTS.filter((m) => m.origin === "race").map((m) => m.name));
    races.add("account-shadowed-after-rmap-add");
    races.add("zap-gfn-range-outside-invalidation");
    const missed = r.rows.filter((x) => !x.detected && !races.has(x.name)).map((x) => x.name);
    for (const name of missed) expect({ name, shown: fewestPreemptions(lvariant(null, name))?.fewestPreemptions ?? null }).not.toEqual({ name, shown: null });
  });
});
