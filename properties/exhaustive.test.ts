/**
 * The exhaustive mode on the kernel scenarios: verdicts, shards, scenario
 * files. (DPOR itself against plain enumeration: dpor.test.ts.) Kept small
 * for CI: the full unmap-two-descs runs belong to the bench (bench/spin.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadInput } from "../checker/bad_input";
import { exhaustive, type ExhaustiveRequest } from "../checker/jobs/exhaustive";
import { readScenarioFile, scenarioOf, traceOf } from "../checker/exhaustive/scenario";
import { listing, resolveSubject, resolveVariant } from "../checker/variants";
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
    expect(() => exhaustive({ ...req("unmap-direct", "v3-fixed", 1), variant: variant(null, "handshake-no-mb") })).toThrow(/x86-TSO/);
    expect(() => exhaustive(req("unmap-direct", "v3-fixed", 1, { shard: { index: 3, count: 2 } }))).toThrow(/--shard/);
  });
});

describe("the correct designs in the exhaustive mode", () => {
  // Every design with no known race, on every named scenario it can run
  // (the v3-DELETE scenarios are refused for designs without one), at most 1
  // preemption. The 2-preemption table is docs/exhaustive.md (npm run bench).
  const correct = listing().designs.filter((d) => d.knownRace === null).map((d) => d.name);
  for (const design of correct) {
    test(`${design}: verified on every scenario it can run, at most 1 preemption`, () => {
      let ran = 0;
      for (const name of scenarioNames()) {
        const r = req(name, design, 1);
        const problem = r.variant.subject.traceProblem?.(traceOf(r.scenario, design), r.variant) ?? null;
        if (problem !== null) continue;
        const s = exhaustive(r).summary;
        expect({ name, verdict: s.verdict }).toEqual({ name, verdict: "verified" });
        ran++;
      }
      expect(ran).toBeGreaterThanOrEqual(8);
    });
  }
});

test("v3-fix1-only: F2 on f2-delete-vs-shrink, with 2 preemptions and none with fewer", () => {
  const s = exhaustive(req("f2-delete-vs-shrink", "v3-fix1-only", 2)).summary;
  expect(s.violation?.invariant).toBe("KERNEL-BUG");
  expect(s.violation?.preemptions).toBe(2);
  expect(s.violation?.noneWithFewer).toEqual([0, 1]);
});

test("a subject whose checker does not declare its ghost state is refused, not explored unsoundly", () => {
  const f = JSON.parse(readFileSync(join(__dirname, "corpus", "lockless", "merged-AGE-COVERAGE-seed1.json"), "utf8"));
  const scenario = scenarioOf({ name: "lockless-one", description: "A lockless trace.", subject: "lockless-aging", config: f.trace.config, setup: f.trace.setup, threads: f.trace.threads }, "test");
  const v = resolveVariant("index-walk", null, resolveSubject("lockless-aging"));
  expect(() => exhaustive({ variant: v, scenario, preemptions: 1 })).toThrow(/not available for subject lockless-aging/);
});
