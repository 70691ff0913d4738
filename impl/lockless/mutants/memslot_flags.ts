/**
 * Mutants of the dirty-logging flags change (issue 20 item 3; origin "slot"),
 * each one plausible misreading of 6.15's kvm_swap_active_memslots,
 * kvm_set_memslot / kvm_commit_memory_region order, or kvm_zap_one_rmap_spte
 * (kvm_main.c, x86.c, mmu.c). None shows in a sequential run: each needs a
 * vCPU or an ager to run inside a window of the update.
 */
import { type KGen, store } from "../../../runtime/step";
import { KIND, type Kvm } from "../kvm";
import type { LocklessOverrides } from "../symbols";
import { kvm_set_memslot_delete } from "../memslot_delete";

/**
 * log-dirty-no-srcu-wait: kvm_swap_active_memslots publishes the new slot
 * but does not synchronize_srcu_expedited(&kvm->srcu) before
 * kvm_mmu_slot_apply_flags runs: a fault that picked up the old slot (not
 * dirty-logged) before the swap maps or makes writable a huge spte after the
 * write-protect walk passed it.
 */
export const log_dirty_no_srcu_wait: LocklessOverrides = () => ({
  *kvm_swap_active_memslots(kvm: Kvm, new_: number): KGen<void> {
    yield store(kvm.memslots, KIND.memslots, new_, "kvm_swap_active_memslots: rcu_assign_pointer(kvm->memslots[as_id], slots) (no synchronize_srcu)");
  },
});

/**
 * log-dirty-protect-before-swap: the slot is write-protected
 * (kvm_mmu_slot_apply_flags) before the new slot with KVM_MEM_LOG_DIRTY_PAGES
 * is published, as if the flag were set after the walk: a fault between the
 * walk and the swap still sees the old slot and installs a writable huge spte
 * nothing protects again.
 */
export const log_dirty_protect_before_swap: LocklessOverrides = () => ({
  *kvm_set_memslot(kvm: Kvm, old: number, new_: number): KGen<void> {
    if (new_ === 0) return yield* kvm_set_memslot_delete(kvm, old); // KVM_MR_DELETE: unchanged
    yield* kvm.sym.kvm_mmu_slot_apply_flags(kvm, old, new_);
    yield* kvm.sym.kvm_swap_active_memslots(kvm, new_);
  },
});

/**
 * recover-zap-removes-first: kvm_zap_one_rmap_spte removes the rmap entry
 * (pte_list_remove) before it clears the spte, against "KVM drops/zaps SPTEs
 * before deleting the rmap entries": between the two a lockless ager walks an
 * rmap that no longer names a present, young spte.
 */
export const recover_zap_removes_first: LocklessOverrides = () => ({
  *kvm_zap_one_rmap_spte(kvm: Kvm, rmap_head: number, sptep: number): KGen<void> {
    yield* kvm.sym.pte_list_remove(kvm, sptep, rmap_head);
    yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep);
  },
});
