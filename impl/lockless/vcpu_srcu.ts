/**
 * The vCPU's kvm->srcu read section and its pick-up of the memslot (virt/kvm
 * kvm_main.c, arch/x86/kvm/x86.c 6.15): vcpu_run holds kvm->srcu
 * (kvm_vcpu_srcu_read_lock) from a VM exit until the next guest entry, so a
 * page fault, slow or fast, runs inside one read section, and
 * kvm_mmu_do_page_fault picks its slot up once (fault->slot =
 * kvm_vcpu_gfn_to_memslot: srcu_dereference of kvm->memslots) and reads that
 * slot's flags wherever it asks whether the slot is dirty-logged. A flags
 * change (memslot_flags.ts) publishes a new slot and waits for these
 * sections (synchronize_srcu_expedited) before it write-protects.
 * DEVIATION: only in a run that changes the slot's flags (kvm.memslots != 0);
 * elsewhere the section and the pick-up are no steps (see Kvm's constructor).
 */
import { type KGen, load, srcuReadLock, srcuReadUnlock } from "../../runtime/step";
import { KIND, type Kvm } from "./kvm";

/** kvm_vcpu_srcu_read_lock at the VM exit that the fault handles. */
export function* kvm_vcpu_srcu_read_lock(kvm: Kvm, who: string): KGen<void> {
  if (kvm.memslots !== 0) yield srcuReadLock(`${who}: kvm_vcpu_srcu_read_lock(vcpu) (vcpu_enter_guest after the VM exit)`);
}

/** kvm_vcpu_srcu_read_unlock before the next guest entry. */
export function* kvm_vcpu_srcu_read_unlock(kvm: Kvm, who: string): KGen<void> {
  if (kvm.memslots !== 0) yield srcuReadUnlock(`${who}: kvm_vcpu_srcu_read_unlock(vcpu) (before the guest entry)`);
}

/** kvm_vcpu_gfn_to_memslot: the active slot, read once per fault (fault->slot). */
export function* kvm_vcpu_gfn_to_memslot(kvm: Kvm, who: string): KGen<number> {
  if (kvm.memslots === 0) return kvm.slot;
  return yield load(kvm.memslots, KIND.memslots, `${who}: fault->slot = kvm_vcpu_gfn_to_memslot: srcu_dereference(kvm->memslots)`);
}
