/**
 * Mutants of the memslot deletion (issue 20 item 3; origin "delete"), each
 * one plausible misreading of 6.15's kvm_invalidate_memslot,
 * kvm_delete_memslot (virt/kvm/kvm_main.c) or kvm_mmu_faultin_pfn
 * (arch/x86/kvm/mmu/mmu.c). None shows in a sequential run, nor in a schedule
 * without a preemption: each needs a vCPU or an ager to run inside a window
 * of the deletion that only a preemption of one of the two opens.
 */
import { type KGen, store } from "../../../runtime/step";
import { KIND, type Kvm, KVM_MEMSLOT_INVALID } from "../kvm";
import { kvm_copy_memslot } from "../memslot_delete";
import type { LocklessOverrides } from "../symbols";

/**
 * delete-zap-before-invalidate: kvm_invalidate_memslot zaps the slot
 * (kvm_arch_flush_shadow_memslot) before it publishes the INVALID copy, as
 * if "no mappings before the slot goes away" were all that mattered: a fault
 * that picks up the old, still valid slot after the zap installs a spte the
 * deletion never removes; its rmap entry is freed with the rmaps.
 */
export const delete_zap_before_invalidate: LocklessOverrides = () => ({
  *kvm_invalidate_memslot(kvm: Kvm, old: number, invalid_slot: number): KGen<void> {
    kvm_copy_memslot(kvm, invalid_slot, old);
    kvm.mem.objectAt(invalid_slot)!.tag |= KVM_MEMSLOT_INVALID;
    yield* kvm.sym.kvm_arch_flush_shadow_memslot(kvm, old);
    yield* kvm.sym.kvm_swap_active_memslots(kvm, invalid_slot);
  },
});

/**
 * delete-unpublish-no-wait: kvm_delete_memslot publishes no slot
 * (rcu_assign_pointer) without synchronize_srcu_expedited, as if the INVALID
 * copy needed no grace period (faults that find it retry and install
 * nothing): an ager that picked up the INVALID copy is still walking its
 * rmaps when kvm_free_memslot frees them.
 */
export const delete_unpublish_no_wait: LocklessOverrides = () => ({
  *kvm_delete_memslot(kvm: Kvm, old: number, invalid_slot: number): KGen<void> {
    yield store(kvm.memslots, KIND.memslots, 0, "kvm_swap_active_memslots: rcu_assign_pointer(kvm->memslots[as_id], slots) (no synchronize_srcu)");
  },
});

/**
 * delete-fault-ignores-invalid: kvm_mmu_faultin_pfn takes the snapshot of
 * mmu_invalidate_seq but does not retry on a KVM_MEMSLOT_INVALID slot (only
 * a missing slot takes the no-slot path): a fault that picks up the INVALID
 * copy after the zap installs a spte of the slot being deleted.
 */
export const delete_fault_ignores_invalid: LocklessOverrides = () => ({
  *kvm_mmu_faultin_pfn(kvm: Kvm, slot: number): KGen<number> {
    return yield* kvm.sym.kvm_mmu_fault_mmu_seq(kvm);
  },
});
