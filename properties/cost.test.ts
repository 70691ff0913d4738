/**
 * The cost model (checker/cost/) on small VMs: its counters are consistent,
 * the lock-break bounds merged-3.11's zapping holds by the batch, the numbers
 * do not depend on the checker watching, the 2019 kvm_mmu_zap_all livelocks
 * with vCPUs faulting, and the compare report is deterministic.
 */
import { compare } from "../checker/jobs/compare";
import { runScenario, type ScenarioRequest } from "../checker/cost/scenario";
import { PROFILES, stepKind } from "../checker/cost/profiles";
import { variant } from "./variants";

const run = (design: string, over: Partial<ScenarioRequest> = {}) =>
  runScenario({ variant: variant(design), op: "delete", mode: "idle", pages: 16, sptes: 8, vcpus: 2, check: true, budget: 200_000, ...over });

describe("cost model", () => {
  for (const design of ["baseline", "v3-fixed", "merged-3.11"]) {
    for (const mode of ["idle", "busy"] as const) {
      test(`${design}, ${mode}: longest hold <= total hold <= latency, checked with no violation`, () => {
        const r = run(design, { mode });
        expect(r.violation).toBeNull();
        expect(r.finished).toBe(true);
        expect(r.longestHold).toBeGreaterThan(0);
        expect(r.longestHold).toBeLessThanOrEqual(r.totalHold);
        expect(r.totalHold).toBeLessThanOrEqual(r.latency);
        expect(r.steps).toBeLessThanOrEqual(r.latency);
        expect(r.unlockedSteps + r.totalHold).toBeGreaterThanOrEqual(r.steps);
        if (mode === "busy") expect(r.waits["vcpu"]!.count).toBeGreaterThan(0);
      });
    }
  }

  test.each(["baseline", "v3-fixed", "merged-3.11", "zap-roots-v1-track"])("the checker only observes, %s: checked and bare runs give the same numbers", (design) => {
    for (const mode of ["idle", "busy"] as const) {
      const { runNs: a, ...checked } = run(design, { mode });
      const { runNs: b, ...bare } = run(design, { mode, check: false });
      expect(checked.violation).toBeNull();
      expect(bare).toEqual(checked);
    }
  });

  test("the checker only observes: checked and bare runs give the same numbers", () => {
    const { runNs: a, ...checked } = run("merged-3.11", { mode: "busy" });
    const { runNs: b, ...bare } = run("merged-3.11", { mode: "busy", check: false });
    expect(bare).toEqual(checked);
  });

  test("merged-3.11's zapping holds are bounded by BATCH_ZAP_PAGES, baseline's hold by N (S large, so the final commit is small)", () => {
    const at = (design: string, pages: number) => run(design, { pages, sptes: 64, check: false }).longestHold;
    expect(at("merged-3.11", 64)).toBe(at("merged-3.11", 16));
    expect(at("baseline", 64)).toBeGreaterThan(3.9 * at("baseline", 16));
    expect(at("merged-3.11", 64)).toBeLessThan(at("baseline", 64) / 3);
  });

  test("the v3 DELETE holds mmu_lock a constant time and leaves every page obsolete for mmu_shrink", () => {
    const r = run("v3-fixed", { check: false });
    expect(run("v3-fixed", { pages: 64, check: false }).longestHold).toBe(r.longestHold);
    expect(r.obsoleteLeft).toBe(16);
    expect(run("merged-3.11", { check: false }).obsoleteLeft).toBe(0);
  });

  test("zap-all-2019 with vCPUs faulting never finishes (LIVELOCK); idle it does", () => {
    expect(run("zap-all-2019").finished).toBe(true);
    const busy = run("zap-all-2019", { mode: "busy", budget: 20_000 });
    expect(busy.finished).toBe(false);
    expect(busy.violation).toBe("LIVELOCK");
  });

  test("compare is deterministic: the same request gives the same rows and text", () => {
    const sweep = { designs: ["baseline", "merged-3.11"], pages: 4, vcpus: 2, shares: [1, 0.5], slotScales: [1, 4], sptes: [8], modes: ["idle", "busy"] as const, preemptions: ["preempt", "none"] as const };
    const axes = { designs: ["baseline", "merged-3.11"], pages: [4, 8], notifier: [true, false], preemptions: ["preempt"] as const, sptes: 8, vcpus: 2 };
    const q = { designs: ["baseline", "merged-3.11", "zap-all-2019"], runs: 50, sequences: 5, sizes: [4, 16], pages: 16, checkedUpTo: 4, sweep, axes };
    const a = compare(q);
    const b = compare(q);
    expect(b.text).toBe(a.text);
    expect(JSON.stringify(b.rows)).toBe(JSON.stringify(a.rows));
    expect(JSON.stringify(b.sweep)).toBe(JSON.stringify(a.sweep));
    // the map: 2 x 2 x 1 x 2 x 2 points per design, and each pair's wins add up
    expect(a.sweep!.points.length).toBe(2 * 16);
    for (const c of a.sweep!.crossovers) expect(c.aWins + c.bWins + c.ties).toBe(c.points);
    expect(a.text).toContain("## The map: where each design wins (16 points per design)");
    // its N and notifier axes: 2 x 2 x 1 points per design, and a verdict per design against 3.10 and metric
    expect(a.sweep!.axes.length).toBe(2 * 4);
    expect(a.text).toContain("## N and the notifier load (4 points per design)");
    expect(a.text).toMatch(/\| `merged-3.11` \| DELETE latency \| [^|]+ \| [^|]+ \|/);
    expect(a.rows.find((r) => r.design === "zap-all-2019")!.livelock).not.toBeNull();
    expect(a.text).toContain("## Livelock: `zap-all-2019`");
    // The exhaustive column: every series scenario the design can run, at most 1 preemption.
    expect(a.rows.find((r) => r.design === "baseline")!.safety.exhaustive).toMatch(/^verified on \d+ scenarios within 1 preemption$/);
    expect(a.rows.find((r) => r.design === "zap-all-2019")!.safety.exhaustive).toMatch(/^violated on 1 of \d+ scenarios within 1 preemption \(first zap-all-lock-break: INV-TLB, 0 preemptions\)$/);
  });

  test("compare with the map on a worker thread gives the same output as on one thread", () => {
    const sweep = { designs: ["baseline", "merged-3.11"], pages: 4, vcpus: 2, shares: [1], slotScales: [1, 4], sptes: [8], modes: ["idle", "busy"] as const, preemptions: ["preempt", "none"] as const };
    const axes = { designs: ["baseline", "merged-3.11"], pages: [4], notifier: [true, false], preemptions: ["preempt"] as const, sptes: 8, vcpus: 2 };
    const q = { designs: ["baseline", "merged-3.11"], runs: 10, sequences: 2, sizes: [4], pages: 4, checkedUpTo: 0, sweep, axes, preemptions: null };
    const [a, b] = ([1, 2] as const).map((workers) => compare({ ...q, workers }));
    expect(b!.text).toBe(a!.text);
    expect(JSON.stringify(b!.sweep)).toBe(JSON.stringify(a!.sweep));
    expect(JSON.stringify(b!.profiles)).toBe(JSON.stringify(a!.profiles));
  });

  test("preemption model: without CONFIG_PREEMPT cond_resched_lock never breaks; with it, only when a vCPU spins on mmu_lock", () => {
    const at = (preemption: "always" | "preempt" | "none", mode: "idle" | "busy") => run("merged-3.11", { pages: 16, sptes: 8, mode, preemption, check: false });
    const whole = at("none", "busy");
    expect(at("preempt", "idle").longestHold).toBe(at("none", "idle").longestHold); // nobody waits: no break
    expect(at("always", "idle").longestHold).toBeLessThan(at("none", "idle").longestHold);
    expect(at("preempt", "busy").longestHold).toBeLessThan(whole.longestHold); // vCPUs spin: breaks
    expect(whole.waits["vcpu"]!.max).toBeGreaterThan(at("preempt", "busy").waits["vcpu"]!.max);
    // the 2019 design livelocks only where the lock is broken for the vCPUs
    expect(run("zap-all-2019", { mode: "busy", preemption: "none", check: false }).finished).toBe(true);
    expect(run("zap-all-2019", { mode: "busy", preemption: "preempt", check: false, budget: 20_000 }).finished).toBe(false);
  });

  test("idle, the preemption models preempt and none give the same run for every design (the map runs it once for both)", () => {
    for (const d of ["baseline", "v3-fixed", "merged-3.11", "zap-all-2019", "zap-roots-v1-track"]) {
      const [a, b] = (["preempt", "none"] as const).map((preemption) => run(d, { pages: 16, sptes: 8, mode: "idle", preemption, share: 1, check: false }));
      expect({ ...a, runNs: 0 }).toEqual({ ...b, runNs: 0 });
    }
  });

  test("workload: v3's DELETE follows the deleted slot's size, 3.10's the number of shadow pages", () => {
    const at = (design: string, share: number, slotScale: number) => run(design, { pages: 16, sptes: 8, share, slotScale, check: false }).latency;
    expect(at("v3-fixed", 0.5, 4)).toBeGreaterThan(2 * at("v3-fixed", 0.5, 1));
    expect(at("baseline", 0.5, 4)).toBeLessThan(1.1 * at("baseline", 0.5, 1));
    // with every page over the deleted slot v3 loses its advantage over 3.10 (it zaps the same sptes, and walks more)
    expect(at("v3-fixed", 1, 1) / at("baseline", 1, 1)).toBeGreaterThan(at("v3-fixed", 0.5, 1) / at("baseline", 0.5, 1));
  });

  test("step costs: the unit profile is the default; a profile charges each kind of step its cost", () => {
    const { runNs: a, ...unit } = run("v3-fixed", { check: false });
    const { runNs: b, ...same } = run("v3-fixed", { check: false, profile: PROFILES[0] });
    expect(same).toEqual(unit);
    const cold = run("v3-fixed", { check: false, profile: PROFILES.find((p) => p.name === "cold-2012")! });
    expect(cold.steps).toBe(unit.steps); // the same run, priced differently
    expect(cold.latency).toBeGreaterThan(25 * unit.latency);
    expect(stepKind("wait_regions")).toBe("ipi");
    expect(stepKind("xchg")).toBe("atomic");
  });

  test("deferred reclaim: v3's DELETE + mmu_shrink reclaims every obsolete page; 3.10 and 3.11 leave none to reclaim", () => {
    const del = run("v3-fixed", { check: false });
    const both = run("v3-fixed", { op: "delete_reclaim", check: false });
    expect(del.obsoleteLeft).toBe(16);
    expect(both.finished).toBe(true);
    expect(both.obsoleteLeft).toBe(0);
    expect(both.latency).toBeGreaterThan(del.latency);
    expect(both.holds).toBeGreaterThanOrEqual(del.holds + 16); // one mmu_shrink hold per page at least
    const base = run("baseline", { check: false });
    const { runNs: x, ...baseReclaim } = run("baseline", { op: "delete_reclaim", check: false });
    const { runNs: y, ...baseDelete } = base;
    expect(baseReclaim).toEqual(baseDelete);
  });
});
