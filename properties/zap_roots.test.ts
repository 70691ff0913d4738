/**
 * zap-roots-v1 (impl/zap_roots.ts), the series' v1/v2 design Marcelo Tosatti
 * asked about: its DELETE resets every rmap head and frees the old pages
 * without clearing their sptes, so the Accessed/Dirty state they hold never
 * reaches the host page (docs/findings.md, "Zap the roots"). The variant
 * zap-roots-v1-track clears each old leaf spte with mmu_spte_clear_track_bits
 * first and passes the same trace.
 */
import { SMALL_CONFIG } from "../impl/config";
import type { OpDesc } from "../model/operations";
import { runScenario } from "../checker/cost/scenario";
import { runTrace, type Trace } from "../checker/search/trace";
import { variant } from "./variants";

/** One write fault on slot 0 (the spte is made with Accessed set), then the DELETE of slot 0, sequentially. */
function deleteAfterFault(design: string) {
  const setup: OpDesc[] = [{ kind: "page_fault", gfn: 0, level: 1, write: true, quadrant: 0 }];
  const t: Trace = {
    design,
    config: { kvm: SMALL_CONFIG, slots: [{ id: 0, baseGfn: 0, npages: 2, userspaceAddr: 0x40 }, { id: 1, baseGfn: 2, npages: 2, userspaceAddr: 0x80 }] },
    setup,
    threads: [{ role: "ioctl", ops: [{ kind: "delete_slot", id: 0 }] }],
    preemptions: [],
  };
  return runTrace(t, variant(design)).result;
}

describe("zap-roots-v1: the series' v1/v2 'zap the roots'", () => {
  test("a DELETE resets every rmap head of every slot and frees the pages without a drop_spte", () => {
    const labels = deleteAfterFault("zap-roots-v1-track").trace.map((s) => s.label);
    // 2 slots x (2 + 1 + 1 heads at levels 1..3, level shift 1) = 8 head resets, one per head of every installed slot
    expect(labels.filter((l) => l.startsWith("kvm_clear_all_gfn_page_info: memset")).length).toBe(8);
    expect(labels.some((l) => l.startsWith("pte_list_remove") || l.startsWith("drop_spte"))).toBe(false);
    expect(labels.some((l) => l.includes("kvm_mmu_free_page: free sp->spt"))).toBe(true);
  });

  test("v1 frees a present spte that was never cleared: INV-REFINE at quiescence", () => {
    const r = deleteAfterFault("zap-roots-v1");
    expect(r.violation?.invariant).toBe("INV-REFINE");
    expect(r.violation?.detail).toMatch(/at quiescence/);
    // the fault made the spte present with Accessed set; no step ever cleared it (so nothing moved A to
    // the page: mmu_spte_clear_track_bits never ran), yet its page is gone and its rmap entry reset
    expect(r.violation?.diff).toEqual(["spte 1:0: model pfn 0x140 W|A|HW|MW, implementation not present", "rmap 0:1:0: model {1:0}, implementation {}"]);
  });

  test("clearing the old sptes with mmu_spte_clear_track_bits first (zap-roots-v1-track) passes the same trace, as 3.10 does", () => {
    expect(deleteAfterFault("zap-roots-v1-track").violation).toBeNull();
    expect(deleteAfterFault("baseline").violation).toBeNull();
  });

  test("cost: v1's DELETE touches every rmap head of both slots, the deleted one and the other", () => {
    const run = (design: string) => runScenario({ variant: variant(design), op: "delete", mode: "idle", pages: 16, sptes: 8, vcpus: 2, check: false, budget: 200_000 });
    const v1 = run("zap-roots-v1");
    const v3 = run("v3-fixed");
    expect(v1.finished).toBe(true);
    // v3 walks the deleted slot's heads only; v1 resets both slots' heads
    expect(v1.rmapHeadsTouched).toBeGreaterThan(1.9 * v3.rmapHeadsTouched);
    expect(v1.obsoleteLeft).toBe(0);
    expect(v1.longestHold).toBeLessThanOrEqual(v1.latency);
  });
});
