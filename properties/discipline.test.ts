/**
 * Safety is universal, discipline is declared (impl/designs.ts Discipline;
 * docs/new-design.md): the same run of v3-alt-fix1, whose SRCU callback frees
 * a zapped shadow page after a grace period and without mmu_lock, passes as
 * the design declares itself (no discipline: judged on safety alone), and is
 * INV-LOCK once "frees-under-mmu_lock" is declared for it. Every existing
 * design declares the rules the checker always applied to it, so their
 * verdicts are unchanged (properties/designs.test.ts, mutants.test.ts).
 */
import { DESIGNS, MMU_LOCK_AND_HANDSHAKE } from "../impl/designs";
import type { SeriesVariant } from "../checker/series/variants";
import { runTrace } from "../checker/search/trace";
import type { Trace } from "../checker/subject";
import { variant } from "./variants";

const trace: Trace = {
  design: "v3-alt-fix1",
  config: { kvm: { PTE_LIST_EXT: 3, levelShift: 1, sptesPerPage: 4, adBits: true }, slots: [{ id: 0, baseGfn: 0, npages: 1, userspaceAddr: 64 }] },
  setup: [{ kind: "page_fault", gfn: 0, level: 1, write: true, quadrant: 0 }],
  threads: [{ role: "zapper", ops: [{ kind: "zap_page", gfn: 0, level: 1, quadrant: 0, which: "oldest" }] }],
  preemptions: [],
};

const withDiscipline = (v: SeriesVariant, discipline: typeof MMU_LOCK_AND_HANDSHAKE): SeriesVariant => ({ ...v, kernelDesign: { ...v.kernelDesign, discipline } });

describe("safety and discipline", () => {
  test("a design freeing pages after an SRCU grace period, declaring no discipline, is judged on safety alone", () => {
    const v = variant("v3-alt-fix1");
    expect(v.kernelDesign.discipline).toEqual([]);
    const r = runTrace(trace, v).result;
    expect(r.violation).toBeNull();
    expect(r.trace.some((s) => s.label === "kvm_mmu_free_page: free sp->spt" && s.thread === 1)).toBe(true);
  });

  test("the same run, with frees-under-mmu_lock declared, is INV-LOCK at the callback's free", () => {
    const r = runTrace(trace, withDiscipline(variant("v3-alt-fix1"), ["frees-under-mmu_lock"])).result;
    expect(r.violation?.invariant).toBe("INV-LOCK");
    expect(r.trace[r.failedAt!]!.label).toBe("kvm_mmu_free_page: free sp->spt");
  });

  test("the corrected design declares frees-under-mmu_lock and keeps it (its kworker frees under mmu_lock)", () => {
    const v = variant("v3-alt-fix1-wq");
    expect(v.kernelDesign.discipline).toEqual(["frees-under-mmu_lock"]);
    const r = runTrace({ ...trace, design: "v3-alt-fix1-wq" }, v).result;
    expect(r.violation).toBeNull();
    expect(r.trace.map((s) => s.label)).toContain("kvm_mmu_free_zapped_work: spin_lock(mmu_lock)");
  });

  test("every design of the series before this split declares both rules the checker applied to all", () => {
    for (const d of DESIGNS) if (!d.name.startsWith("v3-alt-fix1")) expect(d.discipline).toEqual(MMU_LOCK_AND_HANDSHAKE);
  });
});
