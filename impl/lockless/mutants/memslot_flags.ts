/**
 * Mutants of the dirty-logging flags change (issue 20 item 3; origin "slot"),
 * each one plausible misreading of 6.15's kvm_swap_active_memslots,
 * kvm_set_memslot / kvm_commit_memory_region order, or kvm_zap_one_rmap_spte
 * (kvm_main.c, x86.c, mmu.c). None shows in a sequential run: each needs a
 * vCPU or an ager to run inside a window of the update.
 */
import { alloc, type KGen, store } from "../../../runtime/step";
import { fixed_field, init_field, KIND, type Kvm, kvm_active_memslot, kvm_memslots_alloc, KVM_MEM_LOG_DIRTY_PAGES, MEMSLOT, memslot_flags, memslotWords } from "../kvm";
import type { LocklessOverrides } from "../symbols";

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
  *kvm_set_memory_region(kvm: Kvm, enable: boolean): KGen<number> {
    kvm_memslots_alloc(kvm);
    const old = kvm_active_memslot(kvm);
    const flags = enable ? memslot_flags(kvm, old) | KVM_MEM_LOG_DIRTY_PAGES : memslot_flags(kvm, old) & ~KVM_MEM_LOG_DIRTY_PAGES;
    if (flags === memslot_flags(kvm, old)) return 0;
    const new_ = yield alloc(KIND.memslot, memslotWords(kvm), "kvm_set_memslot: new = kzalloc(sizeof(*new)) (KVM_MR_FLAGS_ONLY)");
    kvm.mem.objectAt(new_)!.tag = flags;
    for (let off = 0; off < memslotWords(kvm); off++) {
      if (off !== MEMSLOT.dirty_bitmap) init_field(kvm, new_, off, KIND.memslot, fixed_field(kvm, old, off, KIND.memslot));
    }
    if (enable) {
      const bitmap = yield alloc(KIND.dirtyBitmap, fixed_field(kvm, old, MEMSLOT.npages, KIND.memslot), "kvm_prepare_memory_region: kvm_alloc_dirty_bitmap(new)");
      init_field(kvm, new_, MEMSLOT.dirty_bitmap, KIND.memslot, bitmap);
    }
    yield* kvm.sym.kvm_mmu_slot_apply_flags(kvm, old, new_);
    yield* kvm.sym.kvm_swap_active_memslots(kvm, new_);
    return 0;
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
