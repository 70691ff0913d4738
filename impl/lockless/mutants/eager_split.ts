/**
 * Mutants of eager page splitting (issue 20 item 3; origin "split"), each a
 * plausible misreading of 6.15's shadow_mmu_try_split_huge_pages or
 * __link_shadow_page (arch/x86/kvm/mmu/mmu.c). The split holds mmu_lock for
 * write, so only the lockless threads race it: the ager (the rmap lock,
 * the A bit or access tracking) and the CPU (A and D). A sequential run
 * never shows these, nor a schedule without a preemption: the lockless
 * thread must act inside the split.
 */
import { type KGen, load } from "../../../runtime/step";
import { KIND, type Kvm } from "../kvm";
import { rmap_remove } from "../rmap";
import { SHADOW_NONPRESENT_VALUE, is_shadow_present_pte } from "../spte_bits";
import { kvm_flush_remote_tlbs } from "../steps";
import type { LocklessOverrides } from "../symbols";

/** kvm seen with some symbols replaced (everything else, writes included, goes to kvm itself). */
function withSymbols(kvm: Kvm, over: Partial<Kvm["sym"]>): Kvm {
  const sym = { ...kvm.sym, ...over };
  return new Proxy(kvm, { get: (target, prop) => (prop === "sym" ? sym : Reflect.get(target, prop, target)) });
}

/**
 * split-drop-huge-no-track: drop_large_spte clears the huge spte as
 * mmu_spte_clear_no_track does (a plain WRITE_ONCE of 0, as drop_parent_pte
 * clears a non-leaf spte: "the huge spte is replaced, its A/D bits do not
 * matter") and then removes its rmap entry. A D bit the CPU sets between the
 * split's read of the huge spte and this store is lost with no atomic
 * exchange to see it (LOST-UPDATE: the xchg of mmu_spte_clear_track_bits
 * would have returned it).
 */
export const split_drop_huge_no_track: LocklessOverrides = () => ({
  *drop_large_spte(kvm: Kvm, sptep: number, flush: boolean): KGen<void> {
    const old_spte = yield load(sptep, KIND.spt, "mmu_spte_clear_no_track: load *sptep");
    yield* kvm.sym.__update_clear_spte_fast(kvm, sptep, SHADOW_NONPRESENT_VALUE, "mmu_spte_clear_no_track");
    if (is_shadow_present_pte(old_spte)) yield* rmap_remove(kvm, sptep);
    if (flush) yield kvm_flush_remote_tlbs("drop_large_spte: kvm_flush_remote_tlbs_sptep");
  },
});

/** kvm_rmap_get as the mutant misreads it: a plain atomic_long_read, KVM_RMAP_LOCKED kept. */
function* rmap_get_raw(_kvm: Kvm, rmap_head: number): KGen<number> {
  return yield load(rmap_head, KIND.rmapHead, "shadow_mmu_try_split_huge_pages: atomic_long_read(&rmap_head->val) (KVM_RMAP_LOCKED kept)");
}

/**
 * split-walk-keeps-locked: the split's walk of a huge rmap
 * (shadow_mmu_try_split_huge_pages -> for_each_rmap_spte -> rmap_get_first)
 * reads the head with a plain atomic_long_read, as slot_rmap_walk_next reads
 * it for its emptiness test, instead of kvm_rmap_get, which strips
 * KVM_RMAP_LOCKED ("mmu_lock is held for write, the list cannot change").
 * While a lockless ager holds the rmap's lock, the split follows a pointer
 * tagged with the lock bit.
 */
export const split_walk_keeps_locked: LocklessOverrides = (base) => ({
  *shadow_mmu_try_split_huge_pages(kvm: Kvm, rmap_head: number, slot: number): KGen<boolean> {
    return yield* base.shadow_mmu_try_split_huge_pages(withSymbols(kvm, { kvm_rmap_get: rmap_get_raw }), rmap_head, slot);
  },
});
