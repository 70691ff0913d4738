/**
 * The exhaustive mode on the kernel scenarios: verdicts, shards, scenario
 * files. (DPOR itself against plain enumeration: dpor.test.ts; the correct
 * designs on every scenario: exhaustive_correct.test.ts; DPOR against plain
 * enumeration on the kernel scenarios: exhaustive_plain.test.ts. Three files,
 * so that jest's workers share them.) Kept small for CI: the full
 * unmap-two-descs runs belong to the bench (bench/spin.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadInput } from "../checker/bad_input";
import { exhaustive, type ExhaustiveRequest } from "../checker/jobs/exhaustive";
import { readScenarioFile, scenarioOf } from "../checker/exhaustive/scenario";
import { resolveSubject, resolveVariant } from "../checker/variants";
import type { Subject } from "../checker/subject";
import { loadScenario, scenarioFromCounterexample, scenarioNames } from "../checker/exhaustive/scenario_files";
import { mergeShards } from "../checker/exhaustive/summary";
import { variant } from "./variants";

const req = (scenario: string, design: string, preemptions: number | null, extra: Partial<ExhaustiveRequest> = {}): ExhaustiveRequest => ({
  variant: variant(design),
  scenario: loadScenario(scenario),
  preemptions,
  ...extra,
});

describe("exhaustive verdicts", () => {
  test("unmap-direct: v3-fixed verified with every interleaving of at most 2 preemptions", () => {
    const out = exhaustive(req("unmap-direct", "v3-fixed", 2));
    expect(out.summary.verdict).toBe("verified");
    expect(out.summary.exhaustive.complete).toBe(true);
    expect(out.summary.exhaustive.executions).toBeGreaterThan(100);
    expect(out.text).toContain("result: verified");
  });

  test("unmap-direct: v3 violates INV-SP-LIVE (F1) with one preemption and none with zero", () => {
    const out = exhaustive(req("unmap-direct", "v3", 2));
    expect(out.summary.verdict).toBe("violation");
    expect(out.summary.violation).toMatchObject({ invariant: "INV-SP-LIVE", preemptions: 1, noneWithFewer: [0] });
    expect(out.counterexample!.schedule.length).toBe(out.summary.violation!.atomicSteps);
    expect(out.text).toContain("VIOLATION of INV-SP-LIVE");
  });

  test("unmap-direct without a bound: v3-fixed verified by source-set DPOR, v3 violated", () => {
    const ok = exhaustive(req("unmap-direct", "v3-fixed", null));
    expect(ok.summary).toMatchObject({ verdict: "verified", exhaustive: { preemptionBound: null, algorithm: "source-sets+sleep-sets" } });
    expect(exhaustive(req("unmap-direct", "v3", null)).summary.violation?.invariant).toBe("INV-SP-LIVE");
  });

  test("a budget that runs out says incomplete, never verified", () => {
    const out = exhaustive(req("unmap-direct", "v3-fixed", 2, { maxExecutions: 20 }));
    expect(out.summary).toMatchObject({ ok: true, verdict: "incomplete", exhaustive: { complete: false } });
    expect(out.text).toContain("INCOMPLETE");
    expect(out.text).not.toContain("result: verified");
  });

  test("the same scenario and options give the same summary, timing aside", () => {
    const strip = (s: object) => JSON.stringify({ ...s, timing: null });
    expect(strip(exhaustive(req("unmap-direct", "v3", 1)).summary)).toBe(strip(exhaustive(req("unmap-direct", "v3", 1)).summary));
  });
});

describe("shards", () => {
  test("the executions of shards i/n add up to the whole run's, and merge gives its verdict", () => {
    const whole = exhaustive(req("unmap-direct", "v3-fixed", 1)).summary;
    for (const n of [2, 3]) {
      const parts = Array.from({ length: n }, (_, i) => exhaustive(req("unmap-direct", "v3-fixed", 1, { shard: { index: i + 1, count: n } })).summary);
      expect(parts.every((p) => p.verdict === "incomplete" && p.exhaustive.complete)).toBe(true);
      expect(parts.reduce((k, p) => k + p.exhaustive.executions, 0)).toBe(whole.exhaustive.executions);
      const merged = mergeShards(parts);
      expect(merged).toMatchObject({ verdict: "verified", exhaustive: { executions: whole.exhaustive.executions, complete: true } });
      expect(() => mergeShards(parts.slice(1))).not.toThrow();
      expect(mergeShards(parts.slice(1)).verdict).toBe("incomplete");
    }
  });

  test("merge refuses summaries of different runs", () => {
    const a = exhaustive(req("unmap-direct", "v3-fixed", 1, { shard: { index: 1, count: 2 } })).summary;
    const b = exhaustive(req("unmap-direct", "v3-fixed", 0, { shard: { index: 2, count: 2 } })).summary;
    expect(() => mergeShards([a, b])).toThrow(BadInput);
    expect(() => mergeShards([a, a])).toThrow("twice");
  });
});

describe("scenarios", () => {
  test("the named scenarios include the SPIN shapes, the findings and one per corpus file, each valid", () => {
    const names = scenarioNames();
    for (const n of ["unmap-direct", "unmap-one-desc", "unmap-two-descs", "f1-destroy-vs-shrink", "f2-delete-vs-shrink"]) expect(names).toContain(n);
    const sources = names.map((n) => loadScenario(n).source ?? "");
    const corpus = ["v3-INV-SP-LIVE-seed1", "v3-fix1-only-KERNEL-BUG-seed1", "v3-no-handshake-INV-MEM-seed1", "fixed/baseline-INV-AD-seed2", "fixed/baseline-INV-TLB-seed10", "fixed/v3-fixed-INV-AD-seed1", "fixed/v3-fixed-INV-REFINE-seed7", "fixed/v3-fixed-INV-TLB-seed5"];
    for (const c of corpus) {
      const file = `properties/corpus/${c}.json`;
      const name = names[sources.indexOf(file)];
      expect({ c, name: name !== undefined }).toEqual({ c, name: true });
      const s = loadScenario(name!);
      const t = JSON.parse(readFileSync(join(__dirname, "..", file), "utf8")).trace;
      expect({ config: s.config, setup: s.setup, threads: s.threads }).toEqual({ config: t.config, setup: t.setup, threads: t.threads });
    }
  });

  test("a saved counterexample's scenario, its schedule dropped: violated by its design, verified once fixed", () => {
    const { scenario, variant: v } = scenarioFromCounterexample(join(__dirname, "corpus", "v3-INV-SP-LIVE-seed1.json"));
    expect(exhaustive({ variant: v, scenario, preemptions: 2 }).summary.violation?.invariant).toBe("INV-SP-LIVE");
    expect(exhaustive({ variant: variant("v3-fixed"), scenario, preemptions: 2 }).summary.verdict).toBe("verified");
  });

  test("bad scenarios and requests are one-line BadInput", () => {
    const file = join(tmpdir(), `rmapcheck-scenario-${process.pid}.json`);
    const good = JSON.parse(readFileSync(join(__dirname, "..", "scenarios", "unmap-direct.json"), "utf8"));
    const bad = (body: unknown) => {
      writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
      return () => readScenarioFile(file);
    };
    expect(bad("{")).toThrow(/not JSON/);
    expect(bad({ ...good, name: "Bad Name" })).toThrow(/name: must be lower-case/);
    expect(bad({ ...good, threads: [{ role: "cook", ops: [] }] })).toThrow(/threads\.0\.role: unknown role "cook"/);
    expect(bad({ ...good, setup: [] })).toThrow(/needs begin_delete_slot of slot 0/);
    expect(() => loadScenario("no-such-scenario")).toThrow(/unknown scenario "no-such-scenario"/);
    expect(() => exhaustive(req("unmap-direct", "baseline", 1))).toThrow(/has no such path/);
    expect(() => exhaustive(req("unmap-direct", "v3-fixed", 1, { shard: { index: 3, count: 2 } }))).toThrow(/--shard/);
  });
});

test("v3-fix1-only: F2 on f2-delete-vs-shrink, with 2 preemptions and none with fewer", () => {
  const s = exhaustive(req("f2-delete-vs-shrink", "v3-fix1-only", 2)).summary;
  expect(s.violation?.invariant).toBe("KERNEL-BUG");
  expect(s.violation?.preemptions).toBe(2);
  expect(s.violation?.noneWithFewer).toEqual([0, 1]);
});

describe("the lockless subject in the exhaustive mode", () => {
  const lockless = resolveSubject("lockless-aging");
  const lreq = (scenario: string, design: string | null, preemptions: number | null, mutant: string | null = null): ExhaustiveRequest => ({
    variant: resolveVariant(design, mutant, lockless),
    scenario: loadScenario(scenario),
    preemptions,
  });

  test("pre-928c54b1c4ca (question K7): LOST-UPDATE on lockless-k7-ad-disabled with 1 preemption, none with 0; merged verified", () => {
    const s = exhaustive(lreq("lockless-k7-ad-disabled", "pre-928c54b1c4ca", 2)).summary;
    expect(s.violation).toMatchObject({ invariant: "LOST-UPDATE", preemptions: 1, noneWithFewer: [0] });
    expect(exhaustive(lreq("lockless-k7-ad-disabled", "merged", 2)).summary.verdict).toBe("verified");
  });

  test("a lockless scenario with KVM_GET_DIRTY_LOG on a slot without dirty logging is malformed (the model's guard)", () => {
    const s = loadScenario("lockless-fast-pf-harvest");
    const raw = { name: "no-dirty-log", description: "d", subject: "lockless-aging", config: { ...(s.config as object), kvm: { ...(s.config as { kvm: object }).kvm, dirtyLogging: false } }, setup: s.setup, threads: s.threads };
    expect(() => scenarioOf(raw, "test")).toThrow(/malformed scenario test: setup\.1 \(get_dirty_log\) needs a dirty-logged slot/);
  });

  test("merged (L1): AGE-COVERAGE on lockless-age-unaligned with no preemption; the aligned-callers design is not run on that range", () => {
    expect(exhaustive(lreq("lockless-age-unaligned", "merged", 1)).summary.violation).toMatchObject({ invariant: "AGE-COVERAGE", preemptions: 0 });
    expect(() => exhaustive(lreq("lockless-age-unaligned", "merged-aligned-callers", 1))).toThrow(/range the known callers never deliver/);
  });

  test("a design whose set-up alone violates gets that violation as its verdict, with a set-up-only counterexample", () => {
    const out = exhaustive(lreq("lockless-age-vs-zap", "unzeroed-desc-cache", 1));
    expect(out.summary.verdict).toBe("violation");
    expect(out.summary.violation).toMatchObject({ invariant: "DESC-SHAPE", preemptions: 0, atomicSteps: 0 });
    expect(out.counterexample!.schedule).toEqual([]);
    expect(out.text).toContain("result: VIOLATION of DESC-SHAPE in the set-up, run alone before the threads");
  });

  test("a mutant of the catalogue is found: age-without-rmap-lock frees a desc under the lockless walk (INV-MEM)", () => {
    expect(exhaustive(lreq("lockless-k7-ad-disabled", null, 1, "age-without-rmap-lock")).summary.violation?.invariant).toBe("INV-MEM");
  });
});

test("a subject whose checker does not declare its ghost state is refused, not explored unsoundly", () => {
  const lockless = resolveSubject("lockless-aging");
  const undeclared: Subject = { ...lockless, build: (t, v, o) => ({ ...lockless.build(t, v, o), footprint: undefined }) };
  const scenario = { ...loadScenario("lockless-k7-ad-disabled"), subject: undeclared };
  const v = { ...resolveVariant("index-walk", null, lockless), subject: undeclared };
  expect(() => exhaustive({ variant: v, scenario, preemptions: 1 })).toThrow(/not available for subject lockless-aging/);
});
