/** Mutants of the fast page fault (spec §5.2 F), each replacing one small symbol of fast_page_fault.ts. */
import { cmpxchg, type KGen, store } from "../../../runtime/step";
import { KIND, type Kvm } from "../kvm";
import { PT_WRITABLE_MASK } from "../spte_bits";
import type { LocklessOverrides } from "../symbols";

/** fast-pf-plain-store: the fix is a plain store of the value computed from the snapshot. */
export const fast_pf_plain_store: LocklessOverrides = () => ({
  *fast_pf_fix_direct_spte(kvm: Kvm, gfn: number, sptep: number, old_spte: number, new_spte: number, slot: number): KGen<boolean> {
    yield store(sptep, KIND.spt, new_spte, "fast_pf_fix_direct_spte: *sptep = new_spte (plain store)");
    if (new_spte & PT_WRITABLE_MASK && !(old_spte & PT_WRITABLE_MASK)) yield* kvm.sym.mark_page_dirty_in_slot(kvm, slot, gfn);
    return true;
  },
});

/** fast-pf-no-dirty-mark: a spte made writable by the fast path is not logged in the dirty bitmap. */
export const fast_pf_no_dirty_mark: LocklessOverrides = () => ({
  *fast_pf_fix_direct_spte(kvm: Kvm, gfn: number, sptep: number, old_spte: number, new_spte: number, slot: number): KGen<boolean> {
    return (yield cmpxchg(sptep, KIND.spt, old_spte, new_spte, "fast_pf_fix_direct_spte: try_cmpxchg64(sptep, &old_spte, new_spte)")) === old_spte;
  },
});

/** fast-pf-ignores-mmu-writable: a write fault gets W even on a spte that is not MMU-writable (write-tracked). */
export const fast_pf_ignores_mmu_writable: LocklessOverrides = (base) => ({
  fast_pf_new_spte: (kvm: Kvm, spte: number, write: boolean, level: number, slot: number): number => {
    const n = base.fast_pf_new_spte(kvm, spte, write, level, slot);
    return n === -1 || !write ? n : n | PT_WRITABLE_MASK;
  },
});
