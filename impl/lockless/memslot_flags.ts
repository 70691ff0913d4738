/**
 * KVM_SET_USER_MEMORY_REGION changing only KVM_MEM_LOG_DIRTY_PAGES of the slot
 * (KVM_MR_FLAGS_ONLY), as 6.15 does it (virt/kvm/kvm_main.c, arch/x86/kvm/x86.c):
 *
 *   __kvm_set_memory_region: flags unchanged -> "Nothing to change", 0
 *   kvm_set_memslot -> kvm_prepare_memory_region: the new slot is a copy of the
 *       old one sharing slot->arch (the rmaps); enabling gives it a zeroed
 *       dirty bitmap (kvm_alloc_dirty_bitmap), disabling none
 *   kvm_update_flags_memslot -> kvm_activate_memslot -> kvm_swap_active_memslots:
 *       rcu_assign_pointer(kvm->memslots[as_id], slots), then
 *       synchronize_srcu_expedited(&kvm->srcu): every vCPU fault that picked
 *       up the old slot (vcpu_srcu.ts) and every notifier call has returned
 *   kvm_commit_memory_region -> kvm_arch_commit_memory_region ->
 *       kvm_mmu_slot_apply_flags(kvm, old, new, KVM_MR_FLAGS_ONLY), after the swap
 *
 * The caller holds kvm->slots_lock throughout (not simulated: the checker
 * refuses a trace that runs KVM_GET_DIRTY_LOG beside a flags change).
 * DEVIATION: the old slot and its dirty bitmap are not freed (the kernel
 * kfree()s the old slot and, when disabling, kvm_destroy_dirty_bitmap()s its
 * bitmap after the swap): the other callers here reach the slot's rmaps and
 * geometry through `kvm.slot`, the slot created first, which the copies
 * share them with. kvm_mmu_update_cpu_dirty_logging (turning PML on in the
 * vCPUs) is not simulated (the CPU's PML logging is not); nor is
 * kvm_dirty_log_manual_protect_and_init_set (KVM_DIRTY_LOG_INITIALLY_SET off).
 */
import { alloc, type KGen, store, synchronizeSrcu } from "../../runtime/step";
import {
  fixed_field,
  init_field,
  KIND,
  type Kvm,
  kvm_active_memslot,
  kvm_memslots_alloc,
  KVM_MEM_LOG_DIRTY_PAGES,
  kvm_slot_dirty_track_enabled,
  MEMSLOT,
  memslot_flags,
  memslotWords,
  PG_LEVEL_4K,
} from "./kvm";
import { kvm_flush_remote_tlbs } from "./steps";
import { kvm_set_memslot_delete } from "./memslot_delete";

/**
 * kvm_mmu_slot_apply_flags(kvm, old, new, KVM_MR_FLAGS_ONLY) for a change of
 * KVM_MEM_LOG_DIRTY_PAGES. Disabling recovers huge pages; enabling
 * write-protects (without PML: from 4K; with PML: clears the 4K sptes' D and
 * write-protects from 2M), then flushes after mmu_lock is dropped ("KVM only
 * needs to guarantee the slot is fully write-protected before returning to
 * userspace"). Before the write protection, when eager_page_split is on
 * (config eager_page_split; READ_ONCE of the module parameter) and
 * kvm_dirty_log_manual_protect_and_init_set is false (always here), the
 * slot's huge pages are split down to 4K (kvm_mmu_slot_try_split_huge_pages,
 * eager_split.ts), which does nothing without the TDP MMU.
 */
export function* kvm_mmu_slot_apply_flags(kvm: Kvm, old: number, new_: number): KGen<void> {
  const log_dirty_pages = kvm_slot_dirty_track_enabled(kvm, new_);
  if (!((memslot_flags(kvm, old) ^ memslot_flags(kvm, new_)) & KVM_MEM_LOG_DIRTY_PAGES)) return;
  if (!log_dirty_pages) {
    yield* kvm.sym.kvm_mmu_recover_huge_pages(kvm, new_);
    return;
  }
  if (kvm.cfg.eager_page_split === true) yield* kvm.sym.kvm_mmu_slot_try_split_huge_pages(kvm, new_, PG_LEVEL_4K);
  if (kvm.cfg.pml) {
    yield* kvm.sym.kvm_mmu_slot_leaf_clear_dirty(kvm, new_);
    yield* kvm.sym.kvm_mmu_slot_remove_write_access(kvm, new_, 2);
  } else {
    yield* kvm.sym.kvm_mmu_slot_remove_write_access(kvm, new_, 1);
  }
  yield kvm_flush_remote_tlbs("kvm_mmu_slot_apply_flags: kvm_flush_remote_tlbs_memslot");
}

/**
 * kvm_swap_active_memslots: publish the new slot, wait for every reader of
 * the old one. DEVIATION: no wait for mn_active_invalidate_count to drop to
 * 0 (the kernel keeps an mmu_notifier invalidation's range_start and range_end
 * on one set of memslots): an invalidation here reads only the slot's gfns
 * and rmaps, which the old and the new slot share, never its flags, and the
 * checker refuses a trace that runs one beside a deletion (where range_end
 * would find no slot after range_start found one); and no memslot
 * generation number.
 */
export function* kvm_swap_active_memslots(kvm: Kvm, new_: number): KGen<void> {
  yield store(kvm.memslots, KIND.memslots, new_, "kvm_swap_active_memslots: rcu_assign_pointer(kvm->memslots[as_id], slots)");
  yield synchronizeSrcu("kvm_swap_active_memslots: synchronize_srcu_expedited(&kvm->srcu)");
}

/**
 * kvm_set_memory_region with the slot's flags but KVM_MEM_LOG_DIRTY_PAGES set
 * (`enable` true) or cleared (false), or with memory_size 0 (`"delete"`:
 * KVM_MR_DELETE, memslot_delete.ts). Returns the ioctl's result: 0, or
 * -EINVAL (-22) for a deletion when there is no slot. DEVIATION: the
 * argument is that one flag or the deletion, not a struct
 * kvm_userspace_memory_region; for a flags change the body is
 * __kvm_set_memory_region, kvm_set_memslot (KVM_MR_FLAGS_ONLY) and
 * kvm_commit_memory_region in one function.
 */
export function* kvm_set_memory_region(kvm: Kvm, enable: boolean | "delete"): KGen<number> {
  kvm_memslots_alloc(kvm); // DEVIATION: a sequential run allocates kvm->memslots at its first change (see Kvm)
  const old = kvm_active_memslot(kvm);
  if (enable === "delete") {
    kvm.memslot_deletable = true; // a sequential run's notifiers look the slot up from now on (see Kvm)
    if (old === 0) return -22; // !old: -EINVAL
    yield* kvm.sym.kvm_set_memslot(kvm, old, 0);
    return 0;
  }
  const flags = enable ? memslot_flags(kvm, old) | KVM_MEM_LOG_DIRTY_PAGES : memslot_flags(kvm, old) & ~KVM_MEM_LOG_DIRTY_PAGES;
  if (flags === memslot_flags(kvm, old)) return 0;
  // kvm_set_memslot: the new slot, a copy of the old one nobody can reach yet.
  const new_ = yield alloc(KIND.memslot, memslotWords(kvm), "kvm_set_memslot: new = kzalloc(sizeof(*new)) (KVM_MR_FLAGS_ONLY)");
  kvm.mem.objectAt(new_)!.tag = flags;
  for (let off = 0; off < memslotWords(kvm); off++) {
    if (off !== MEMSLOT.dirty_bitmap) init_field(kvm, new_, off, KIND.memslot, fixed_field(kvm, old, off, KIND.memslot));
  }
  // kvm_prepare_memory_region: kvm_alloc_dirty_bitmap (kvzalloc) when logging starts, none when it stops.
  if (enable) {
    const npages = fixed_field(kvm, old, MEMSLOT.npages, KIND.memslot);
    const bitmap = yield alloc(KIND.dirtyBitmap, npages, "kvm_prepare_memory_region: kvm_alloc_dirty_bitmap(new)");
    init_field(kvm, new_, MEMSLOT.dirty_bitmap, KIND.memslot, bitmap);
  }
  yield* kvm.sym.kvm_set_memslot(kvm, old, new_);
  return 0;
}

/**
 * kvm_set_memslot for KVM_MR_FLAGS_ONLY, from the swap on: publish the new
 * slot (kvm_swap_active_memslots, which waits for SRCU readers), then
 * kvm_commit_memory_region -> kvm_arch_commit_memory_region ->
 * kvm_mmu_slot_apply_flags. The order is the contract a fault relies on: once
 * the walk runs, no vCPU still holds the old slot. A NULL new slot (0) is
 * KVM_MR_DELETE: kvm_set_memslot_delete.
 */
export function* kvm_set_memslot(kvm: Kvm, old: number, new_: number): KGen<void> {
  if (new_ === 0) return yield* kvm_set_memslot_delete(kvm, old); // KVM_MR_DELETE (memslot_delete.ts)
  yield* kvm.sym.kvm_swap_active_memslots(kvm, new_);
  yield* kvm.sym.kvm_mmu_slot_apply_flags(kvm, old, new_);
}

