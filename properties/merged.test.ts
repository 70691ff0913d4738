/**
 * The design merged in Linux 3.11 (merged-3.11) and the 2019 lock-breaking
 * kvm_mmu_zap_all (zap-all-2019): merged-3.11 refines the model under
 * interleaving with every actor (properties/concurrent.test.ts); its mutants are caught
 * with 1-minimal counterexamples; the DELETE's steps show the 3.11 shape.
 */
import { SMALL_CONFIG } from "../impl/config";
import { explore } from "../checker/search/explore";
import { isOneMinimal } from "../checker/search/minimize";
import { runTrace, type Trace } from "../checker/search/trace";
import type { OpDesc } from "../model/operations";
import { variant } from "./variants";

/** A DELETE of slot 0 with pages of both slots mapped, alone. */
function deleteTrace(design: string): Trace {
  const fault = (gfn: number): OpDesc => ({ kind: "page_fault", gfn, level: 1, write: true, quadrant: 0 });
  return {
    design,
    config: { kvm: SMALL_CONFIG, slots: [{ id: 0, baseGfn: 0, npages: 8, userspaceAddr: 0x40 }, { id: 1, baseGfn: 8, npages: 8, userspaceAddr: 0x48 }] },
    setup: [0, 4, 8, 12].map(fault),
    threads: [{ role: "ioctl", ops: [{ kind: "delete_slot", id: 0 }] }],
    preemptions: [],
  };
}

describe("merged-3.11: the 3.11 fast invalidation", () => {
  // The sampled modes (each scheduler, SC and x86-TSO): properties/concurrent.test.ts.

  test("a DELETE bumps the generation and reloads under mmu_lock, breaks the lock between pages, commits once, and zaps every page", () => {
    const r = runTrace(deleteTrace("merged-3.11"), variant("merged-3.11")).result;
    expect(r.violation).toBeNull();
    const labels = r.trace.map((s) => s.label);
    const at = (l: string) => labels.indexOf(l);
    expect(at("kvm_mmu_invalidate_zap_all_pages: spin_lock(mmu_lock)")).toBeLessThan(at("kvm_mmu_invalidate_zap_all_pages: kvm_reload_remote_mmus"));
    expect(labels.filter((l) => l === "cond_resched_lock: spin_unlock(mmu_lock)").length).toBe(3); // 4 pages, BATCH_ZAP_PAGES 1
    expect(labels.filter((l) => l === "kvm_mmu_commit_zap_page: kvm_flush_remote_tlbs").length).toBe(1);
    expect(labels.filter((l) => l === "kvm_mmu_free_page: free sp").length).toBe(4);
    expect(labels.some((l) => l.startsWith("__kvm_unmap_invalid_rmapp"))).toBe(false);
  });
});

describe("merged-3.11 mutants", () => {
  for (const name of ["merged-no-gen-bump", "merged-no-reload", "merged-bump-unlocked", "zap-obsolete-no-restart"]) {
    test(`${name} is caught with a 1-minimal counterexample`, () => {
      const v = variant(null, name);
      const r = explore({ variant: v, seed: 1, runs: 5000, scheduler: "pct", candidates: 1 });
      expect(r.counterexample).not.toBeNull();
      expect(isOneMinimal(r.counterexample!.trace, (t) => runTrace(t, v).result)).toBe(true);
    });
  }

  test("get-page-reuses-obsolete maps a fault into an obsolete page (INV-GEN-CURRENT)", () => {
    const r = explore({ variant: variant(null, "get-page-reuses-obsolete"), seed: 1, runs: 5000, scheduler: "pct", candidates: 0 });
    expect(r.counterexample?.violation.invariant).toBe("INV-GEN-CURRENT");
  });
});

describe("zap-all-2019: 5.3's lock-breaking kvm_mmu_zap_all", () => {
  test("drops mmu_lock after zapping a page a vCPU still caches, before any flush (INV-TLB)", () => {
    const t = deleteTrace("zap-all-2019");
    const withWalk: Trace = { ...t, setup: [...t.setup, { kind: "hw_access", gfn: 8, level: 1, quadrant: 0, write: false }] };
    expect(runTrace(withWalk, variant("zap-all-2019")).result.violation?.invariant).toBe("INV-TLB");
    expect(runTrace({ ...withWalk, design: "merged-3.11" }, variant("merged-3.11")).result.violation).toBeNull();
  });
});
