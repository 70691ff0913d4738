/**
 * The sweep (docs/sweep.md): scope files validated like the other files,
 * generation deterministic and made of normal scenarios, a symmetric pair
 * with the same verdict, the tiny scopes' verdicts, shards that add up to
 * the unsharded verdict, and --merge refusing summaries that cannot belong
 * (exhaustive and sweep alike). Small scopes only: the real ones belong to
 * the bench (`npm run bench -- sweep`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadInput } from "../checker/bad_input";
import { exhaustive } from "../checker/jobs/exhaustive";
import { loadScenario } from "../checker/exhaustive/scenario_files";
import { scenarioOf, traceOf } from "../checker/exhaustive/scenario";
import { type ExhaustiveSummary, mergeShards } from "../checker/exhaustive/summary";
import { countWithoutReduction, generateScope, scenarioJson, spaceOf } from "../checker/sweep/generate";
import { mergeFiles, mergeSweepShards } from "../checker/sweep/merge";
import { assign } from "../checker/sweep/plan";
import { sweep } from "../checker/sweep/run";
import { loadScope, scopeNames, scopeOf } from "../checker/sweep/scope";
import { canonicalScenario, canonicalState } from "../checker/sweep/symmetry";
import type { SweepSummary } from "../checker/sweep/summary";
import { resolveSubject, resolveVariant } from "../checker/variants";
import { variant } from "./variants";

const tmp = () => mkdtempSync(join(tmpdir(), "rmapcheck-sweep-"));

describe("scope files", () => {
  test("every scope of scopes/ is valid, and the four the issue names are there", () => {
    expect(scopeNames()).toEqual(expect.arrayContaining(["series-s1", "series-s2", "lockless-s1", "lockless-s2"]));
    for (const n of scopeNames()) expect(loadScope(n).name).toBe(n);
  });

  test("a malformed scope is one-line bad input naming the field", () => {
    const good = { name: "x", description: "d", configs: [{ name: "c", config: loadScenario("f1-destroy-vs-shrink").config }], setup: { depth: 1, kinds: ["page_fault"] }, threads: { counts: [2], opsPerThread: 1 }, roles: { ioctl: ["destroy_vm"], zapper: ["zap_page"] }, domains: { levels: [1], quadrants: 1, write: [true] }, preemptions: 2 };
    expect(scopeOf(good, "good").roles).toEqual({ ioctl: ["destroy_vm"], zapper: ["zap_page"] });
    const cases: Array<[unknown, RegExp]> = [
      [{ ...good, setup: { depth: 1, kinds: ["page_faults"] } }, /setup\.kinds\.0: unknown operation kind "page_faults"/],
      [{ ...good, roles: { ager: ["clear_young"] } }, /roles\.ager: unknown role/],
      [{ ...good, configs: [{ name: "c", config: { kvm: {}, slots: [] } }] }, /configs\.0\.config\.kvm\.PTE_LIST_EXT/],
      [{ ...good, threads: { counts: [3], opsPerThread: 1 } }, /3 threads but only 2 roles/],
      [{ ...good, extra: 1 }, /malformed scope bad: \(the file\)/],
      [{ ...good, domains: { ...good.domains, quadrants: 9 } }, /domains\.quadrants/],
      [{ ...good, threads: { counts: [2], opsPerThread: 1, alsoSetupDepth: 1 } }, /threads\.alsoSetupDepth: given without threads\.also/],
    ];
    for (const [raw, why] of cases) {
      expect(() => scopeOf(raw, "bad")).toThrow(BadInput);
      expect(() => scopeOf(raw, "bad")).toThrow(why);
    }
    expect(() => loadScope("series-s9")).toThrow(/unknown scope "series-s9"/);
    expect(() => generateScope(scopeOf({ ...good, setup: { depth: 1, kinds: ["delete_slot"] } }, "flush"))).toThrow(/depends on the design's flush style/);
  });
});

describe("generation", () => {
  test("deterministic, every scenario a normal scenario file, fewest operations first", () => {
    const a = generateScope(loadScope("series-t0"));
    const b = generateScope(loadScope("series-t0"));
    expect(a.scenarios.map((s) => JSON.stringify(scenarioJson(s.scenario)))).toEqual(b.scenarios.map((s) => JSON.stringify(scenarioJson(s.scenario))));
    expect(a.counts).toEqual({ configurations: 1, setupSequences: 2, setupStates: 2, candidates: 2, scenarios: 2 });
    for (const s of a.scenarios) {
      const again = scenarioOf(JSON.parse(JSON.stringify(scenarioJson(s.scenario))), s.scenario.name);
      expect(again.threads).toEqual(s.scenario.threads);
    }
    const ops = a.scenarios.map((s) => s.operations);
    expect(ops).toEqual([...ops].sort((x, y) => x - y));
  });

  test("series-s2 is series-s1 and more: the same pairs, plus triples from the states after at most one set-up operation", () => {
    const content = (s: { scenario: Parameters<typeof scenarioJson>[0] }) => {
      const { name: _n, description: _d, source: _s, ...rest } = scenarioJson(s.scenario) as Record<string, unknown>;
      return JSON.stringify(rest);
    };
    const s1 = generateScope(loadScope("series-s1")).scenarios;
    const s2 = generateScope(loadScope("series-s2")).scenarios;
    const triples = s2.filter((s) => s.scenario.threads.length === 3);
    expect(new Set(s2.filter((s) => s.scenario.threads.length === 2).map(content))).toEqual(new Set(s1.map(content)));
    expect(triples.length).toBeGreaterThan(0);
    expect(triples.every((s) => s.scenario.setup.length <= 1 && s.scenario.threads.map((t) => t.role).join() === "ioctl,zapper,hw")).toBe(true);
    expect(s2.length).toBe(s1.length + triples.length);
  });

  test("symmetry and deduplication remove at least 5x on series-s1 and lockless-s1", () => {
    for (const n of ["series-s1", "lockless-s1"]) {
      const scope = loadScope(n);
      const g = generateScope(scope);
      expect(g.counts.setupStates).toBeLessThan(g.counts.setupSequences);
      expect(countWithoutReduction(scope) / g.counts.scenarios).toBeGreaterThanOrEqual(5);
    }
  });

  test("docs/sweep.md's example verdict line gives series-s1's counts as generated", () => {
    const g = generateScope(loadScope("series-s1"));
    const line = readFileSync(join(__dirname, "..", "docs", "sweep.md"), "utf8").match(/verified within scope series-s1: (\d+) configurations, (\d+) set-up states, ([\d,]+) scenarios/);
    expect(line).not.toBeNull();
    expect([Number(line![1]), Number(line![2]), Number(line![3]!.replace(/,/g, ""))]).toEqual([g.counts.configurations, g.counts.setupStates, g.counts.scenarios]);
  });

  test("with tdp_mmu_enabled the TDP MMU's mappings are set-up state, and a direct CPU access reaches a mapped gfn", () => {
    const tdp = loadScope("lockless-tdp-s1").configs.find((c) => c.name === "tdp")!;
    const tiny = scopeOf({ name: "tdp-tiny", subject: "lockless-aging", description: "d", configs: [tdp], setup: { depth: 1, kinds: ["page_fault"] }, threads: { counts: [2], opsPerThread: 1 }, roles: { vcpu: ["page_fault"], guest: ["hw_access"] }, domains: { levels: [1], quadrants: 1, write: [true], nested: [false], absent: false }, preemptions: 1 }, "tdp-tiny");
    const g = generateScope(tiny);
    // The empty state and the one with gfn 0 (and the one with gfn 1) mapped by the TDP MMU: not merged into one.
    expect(g.counts.setupStates).toBe(3);
    const direct = g.scenarios.filter((s) => s.scenario.setup.length === 1).flatMap((s) => s.scenario.threads.flatMap((t) => t.ops)) as Array<{ kind: string; nested?: boolean }>;
    expect(direct.some((o) => o.kind === "hw_access" && o.nested === false)).toBe(true);
  });

  test("a lockless scope's mmu thread reaches kvm_unmap_gfn_range (the zap-all path)", () => {
    const g = generateScope(loadScope("lockless-t0"));
    expect(g.scenarios.some((s) => s.scenario.threads.some((t) => t.ops.some((o) => (o as { kind: string }).kind === "unmap_gfn_range")))).toBe(true);
  });
});

describe("symmetry", () => {
  test("a pair that differs by a renaming of quadrants has one canonical key and the same verdict", () => {
    const f1 = loadScenario("f1-destroy-vs-shrink");
    const renamed = (q: number) => scenarioOf({ ...(scenarioJson(f1) as object), name: `f1-q${q}`, setup: f1.setup.map((o) => ({ ...(o as object), quadrant: q })), threads: f1.threads.map((t) => ({ ...t, ops: t.ops.map((o) => ("quadrant" in (o as object) ? { ...(o as object), quadrant: q } : o)) })) }, `q${q}`);
    const [q0, q1] = [renamed(0), renamed(1)];
    const scope = loadScope("series-s1");
    const space = spaceOf(resolveSubject("series"), f1.config, scope);
    const keyOf = (s: typeof q0) => {
      let st = space.init();
      for (const op of s.setup) st = space.apply(st, op)!;
      return canonicalScenario(space, canonicalState(space, st), s.threads.filter((t) => t.ops.length > 0));
    };
    expect(keyOf(q0)).toBe(keyOf(q1));
    for (const design of ["v3", "v3-fixed"]) {
      const [a, b] = [q0, q1].map((scenario) => exhaustive({ variant: variant(design), scenario, preemptions: 2 }).summary);
      expect(a!.verdict).toBe(design === "v3" ? "violation" : "verified");
      expect(b!.verdict).toBe(a!.verdict);
      expect(b!.exhaustive.executions).toBe(a!.exhaustive.executions);
      expect(b!.violation?.invariant).toBe(a!.violation?.invariant);
    }
  });
});

describe("sweep verdicts and shards", () => {
  test("series-t0: v3 shows F1 (INV-SP-LIVE), v3-fixed is verified, and two shards merge to the unsharded verdict", async () => {
    const scope = loadScope("series-t0");
    const g = generateScope(scope);
    const bad = await sweep({ scope, variant: variant("v3") }, {}, g);
    expect(bad.summary.verdict).toBe("violation");
    expect(bad.summary.violation).toMatchObject({ invariant: "INV-SP-LIVE", operations: 3 });
    const whole = await sweep({ scope, variant: variant("v3-fixed") }, {}, g);
    expect(whole.summary.verdict).toBe("verified");
    expect(whole.text).toMatch(/verified within scope series-t0: 1 configurations, 2 set-up states, 2 scenarios, [\d,]+ executions, <= 2 preemptions/);
    const parts = await Promise.all([1, 2].map((i) => sweep({ scope, variant: variant("v3-fixed"), shard: { index: i, count: 2 } }, {}, g)));
    for (const p of parts) expect(p.summary.verdict).toBe("incomplete");
    const merged = mergeSweepShards(parts.map((p) => p.summary));
    expect(merged.verdict).toBe("verified");
    expect(merged.sweep.executions).toBe(whole.summary.sweep.executions);
    expect(merged.sweep.explored).toBe(whole.summary.sweep.explored);
    // Shards that cannot belong: "3 of 2", a duplicate, another design, another scope's scenarios.
    const s1 = parts[0]!.summary;
    const s2 = parts[1]!.summary;
    const bogus = (f: (s: SweepSummary) => SweepSummary) => f(JSON.parse(JSON.stringify(s2)) as SweepSummary);
    expect(() => mergeSweepShards([s1, s2, bogus((s) => ({ ...s, sweep: { ...s.sweep, shard: { index: 3, count: 2 } } }))])).toThrow(/shard 3 of 2 cannot belong/);
    expect(() => mergeSweepShards([s1, s2, s2])).toThrow(/shard 2\/2 appears twice/);
    expect(() => mergeSweepShards([s1, bogus((s) => ({ ...s, design: "v3" }))])).toThrow(/summaries of different sweeps/);
    expect(() => mergeSweepShards([s1, bogus((s) => ({ ...s, sweep: { ...s.sweep, digest: "0000" } }))])).toThrow(/summaries of different sweeps/);
    expect(mergeSweepShards([s1]).verdict).toBe("incomplete");
    // Through the files, as --merge reads them: a crafted "3 of 2" is refused by the schema.
    const dir = tmp();
    const files = [s1, s2].map((s, i) => {
      const f = join(dir, `s${i + 1}.json`);
      writeFileSync(f, JSON.stringify(s));
      return f;
    });
    expect(mergeFiles(files).status).toBe(0);
    const crafted = join(dir, "s3.json");
    writeFileSync(crafted, JSON.stringify({ ...s2, sweep: { ...s2.sweep, shard: { index: 3, count: 2 } } }));
    expect(() => mergeFiles([...files, crafted])).toThrow(/malformed summary .*s3\.json: sweep\.shard: shard index above the shard count/);
  });

  test("after a violation, the rest is explored within its preemptions; the verdict is the reference smallest in any sharding", async () => {
    // lockless-t0 with lock-spin-skipped: six scenarios of three operations violate RMAP-LOCK-EXCL with one preemption.
    const scope = loadScope("lockless-t0");
    const g = generateScope(scope);
    const v = resolveVariant(null, "lock-spin-skipped", scope.subject);
    // The reference: every scenario at the scope's bound, each violation re-run at its fewest preemptions, the least by `smaller`.
    const claimed = g.scenarios.filter((s) => (v.subject.traceProblem?.(traceOf(s.scenario, v.design.name), v) ?? null) === null);
    const ref = claimed.flatMap((s) => {
      const at = (k: number) => exhaustive({ variant: v, scenario: s.scenario, preemptions: k }).summary.violation;
      const x = at(scope.preemptions);
      const y = x === null ? null : at(x.preemptions);
      return y === null ? [] : [{ index: s.index, operations: s.operations, preemptions: y.preemptions, atomicSteps: y.atomicSteps, invariant: y.invariant }];
    });
    expect(ref.length).toBeGreaterThan(1);
    ref.sort((a, b) => a.operations - b.operations || a.preemptions - b.preemptions || a.atomicSteps - b.atomicSteps || a.index - b.index);
    const whole = await sweep({ scope, variant: v }, {}, g);
    expect(whole.summary.violation).toMatchObject(ref[0]!);
    expect(whole.summary.sweep.withinFound).toBeGreaterThan(0);
    const parts = await Promise.all([1, 2, 3].map((i) => sweep({ scope, variant: v, shard: { index: i, count: 3 } }, {}, g)));
    expect(mergeSweepShards(parts.map((p) => p.summary)).violation).toMatchObject(ref[0]!);
  });

  // docs/sweep.md: lockless-split-s1 reaches eager page splitting's window (the scope's correct-design verdict is the bench's).
  test("lockless-split-s1 shows both mutants of origin split: LOST-UPDATE with 1 preemption, INV-MEM with 2", async () => {
    const scope = loadScope("lockless-split-s1");
    const g = generateScope(scope);
    for (const [mutant, invariant, preemptions] of [["split-drop-huge-no-track", "LOST-UPDATE", 1], ["split-walk-keeps-locked", "INV-MEM", 2]] as const) {
      const r = await sweep({ scope, variant: resolveVariant(null, mutant, scope.subject) }, {}, g);
      expect(r.summary.verdict).toBe("violation");
      expect(r.summary.violation).toMatchObject({ invariant, preemptions, operations: 3 });
    }
  });

  test("shards are balanced by the estimate and deterministic", () => {
    const g = generateScope(loadScope("series-s1"));
    const a = assign(g.scenarios, 4);
    expect(assign(g.scenarios, 4)).toEqual(a);
    expect(a.flat().sort((x, y) => x - y)).toEqual(g.scenarios.map((s) => s.index));
    const loads = a.map((ix) => ix.reduce((k, i) => k + g.scenarios[i]!.cost, 0));
    expect(Math.max(...loads) / Math.min(...loads)).toBeLessThan(1.05);
  });
});

describe("--merge of exhaustive shards refuses what cannot belong", () => {
  const shard = (index: number, count: number, explored: number[]): ExhaustiveSummary => ({
    ok: true,
    verdict: "incomplete",
    subject: "series",
    memoryModel: "sc",
    design: "v3-fixed",
    mutant: null,
    scenario: { name: "unmap-direct", source: null },
    exhaustive: { complete: true, preemptionBound: 1, algorithm: "bounded-por", executions: 10, pruned: 0, states: null, atomicSteps: 100, invariantChecks: 100, naiveSchedules: "100", reduction: 10, units: 4, explored, shard: { index, count } },
    violation: null,
    timing: { elapsedMs: 1, executionsPerSecond: 1 },
  });
  const four = [shard(1, 4, [0]), shard(2, 4, [1]), shard(3, 4, [2]), shard(4, 4, [3])];

  test("four shards are verified; plus a crafted 5 of 4, a duplicate, or overlapping units, bad input", () => {
    expect(mergeShards(four).verdict).toBe("verified");
    expect(() => mergeShards([...four, shard(5, 4, [])])).toThrow(BadInput);
    expect(() => mergeShards([...four, shard(5, 4, [])])).toThrow(/shard 5 of 4 cannot belong/);
    expect(() => mergeShards([...four, shard(0, 4, [])])).toThrow(/shard 0 of 4/);
    expect(() => mergeShards([...four, shard(2, 4, [1])])).toThrow(/shard 2\/4 appears twice/);
    expect(() => mergeShards([four[0]!, four[1]!, four[2]!, shard(4, 4, [2])])).toThrow(/unit 2 is explored by two shards/);
    expect(mergeShards(four.slice(0, 3)).verdict).toBe("incomplete");
  });

  test("through the files: a crafted 5 of 4 summary fails the schema in one line", () => {
    const dir = tmp();
    const files = [...four, shard(5, 4, [])].map((s, i) => {
      const f = join(dir, `e${i + 1}.json`);
      writeFileSync(f, JSON.stringify(s));
      return f;
    });
    expect(mergeFiles(files.slice(0, 4)).status).toBe(0);
    expect(() => mergeFiles(files)).toThrow(/malformed summary .*e5\.json: exhaustive\.shard: shard index above the shard count/);
  });
});
