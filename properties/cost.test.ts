/**
 * The cost model (checker/cost/) on small VMs: its counters are consistent,
 * the lock-break bounds merged-3.11's zapping holds by the batch, the numbers
 * do not depend on the checker watching, the 2019 kvm_mmu_zap_all livelocks
 * with vCPUs faulting, and the compare report is deterministic.
 */
import { compare } from "../checker/jobs/compare";
import { runScenario, type ScenarioRequest } from "../checker/cost/scenario";
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
    const q = { designs: ["baseline", "merged-3.11", "zap-all-2019"], runs: 50, sequences: 5, sizes: [4, 16], pages: 16, checkedUpTo: 4 };
    const a = compare(q);
    const b = compare(q);
    expect(b.text).toBe(a.text);
    expect(JSON.stringify(b.rows)).toBe(JSON.stringify(a.rows));
    expect(a.rows.find((r) => r.design === "zap-all-2019")!.livelock).not.toBeNull();
    expect(a.text).toContain("## Livelock: `zap-all-2019`");
    // The exhaustive column: every series scenario the design can run, at most 1 preemption.
    expect(a.rows.find((r) => r.design === "baseline")!.safety.exhaustive).toMatch(/^verified on \d+ scenarios within 1 preemption$/);
    expect(a.rows.find((r) => r.design === "zap-all-2019")!.safety.exhaustive).toMatch(/^violated on 1 of \d+ scenarios within 1 preemption \(first zap-all-lock-break: INV-TLB, 0 preemptions\)$/);
  });
});
