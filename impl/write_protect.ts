/**
 * Users of write protection (mmu.c v3.10, routed through slot_rmap_write_protect):
 * rmap_write_protect (a gfn becomes a shadowed guest page table: all levels,
 * pt_protect) and kvm_mmu_write_protect_pt_masked (dirty logging: level 1,
 * SPTE_MMU_WRITEABLE kept so fast_page_fault may restore W).
 */
import { type KGen, load, spinLock, spinUnlock, srcuReadLock, srcuReadUnlock } from "../runtime/step";
import { flushRemoteTlbs } from "./steps";
import { fieldOf, KVM_MEMSLOT_INVALID, KVM_NR_PAGE_SIZES, type Kvm, MEMSLOT, PT_PAGE_TABLE_LEVEL } from "./kvm";

/** rmap_write_protect(kvm, gfn): under mmu_lock. Returns true if a flush is needed. */
export function* rmap_write_protect(kvm: Kvm, gfn: number): KGen<boolean> {
  const slot = yield* kvm.sym.gfn_to_memslot(kvm, gfn);
  let write_protected = false;
  for (let i = PT_PAGE_TABLE_LEVEL; i < PT_PAGE_TABLE_LEVEL + KVM_NR_PAGE_SIZES; ++i) {
    const rmapp = kvm.sym.__gfn_to_rmap(kvm, gfn, i, slot);
    if (yield* kvm.sym.slot_rmap_write_protect(kvm, slot, rmapp, true)) write_protected = true;
  }
  return write_protected;
}

/** kvm_mmu_write_protect_pt_masked for one gfn: level 1, pt_protect = false. Under mmu_lock. */
export function* kvm_mmu_write_protect_pt_masked(kvm: Kvm, gfn: number): KGen<boolean> {
  const slot = yield* kvm.sym.gfn_to_memslot(kvm, gfn);
  const rmapp = kvm.sym.__gfn_to_rmap(kvm, gfn, PT_PAGE_TABLE_LEVEL, slot);
  return yield* kvm.sym.slot_rmap_write_protect(kvm, slot, rmapp, false);
}

/**
 * The guest page-table walk's read of the guest pte (FNAME(walk_addr) ->
 * kvm_read_guest_page -> gfn_to_hva -> __gfn_to_hva_many): it fails for no
 * slot or a slot marked KVM_MEMSLOT_INVALID. Returns whether the read succeeds.
 */
export function* kvm_read_guest_page(kvm: Kvm, slot: number): KGen<boolean> {
  if (!slot) return false;
  const flags = yield load(fieldOf(slot, MEMSLOT.flags), "memslot", "FNAME(walk_addr): load slot->flags");
  return !(flags & KVM_MEMSLOT_INVALID);
}

/**
 * A vCPU starts shadowing the guest page table at gfn (kvm_mmu_get_page for an
 * indirect page): the guest walk reached gfn through a valid slot (a slot
 * marked KVM_MEMSLOT_INVALID fails the walk), then under mmu_lock the gfn is
 * write-protected at every level and TLBs are flushed.
 */
export function* kvm_mmu_shadow_gfn(kvm: Kvm, gfn: number): KGen<boolean> {
  yield srcuReadLock("kvm_mmu_page_fault: srcu_read_lock");
  const slot = yield* kvm.sym.gfn_to_memslot(kvm, gfn);
  if (!(yield* kvm.sym.kvm_read_guest_page(kvm, slot))) {
    yield srcuReadUnlock("kvm_mmu_page_fault: srcu_read_unlock");
    return false;
  }
  yield spinLock("kvm_mmu_get_page: spin_lock(mmu_lock)");
  const flush = yield* kvm.sym.rmap_write_protect(kvm, gfn);
  if (flush) yield flushRemoteTlbs("kvm_mmu_get_page: kvm_flush_remote_tlbs");
  yield spinUnlock("kvm_mmu_get_page: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("kvm_mmu_page_fault: srcu_read_unlock");
  return flush;
}

/**
 * KVM_GET_DIRTY_LOG for one gfn: mmu_lock, write-protect at level 1, flush.
 * The ioctl holds slots_lock, so it never runs while a slot is being deleted
 * (the checker runs it on the memslot-ioctl thread); no slot is -ENOENT.
 */
export function* kvm_vm_ioctl_get_dirty_log(kvm: Kvm, gfn: number): KGen<boolean> {
  yield srcuReadLock("kvm_vm_ioctl_get_dirty_log: srcu_read_lock");
  const slot = yield* kvm.sym.gfn_to_memslot(kvm, gfn);
  if (!slot) {
    yield srcuReadUnlock("kvm_vm_ioctl_get_dirty_log: srcu_read_unlock");
    return false;
  }
  yield spinLock("kvm_vm_ioctl_get_dirty_log: spin_lock(mmu_lock)");
  const flush = yield* kvm.sym.kvm_mmu_write_protect_pt_masked(kvm, gfn);
  if (flush) yield flushRemoteTlbs("kvm_vm_ioctl_get_dirty_log: kvm_flush_remote_tlbs");
  yield spinUnlock("kvm_vm_ioctl_get_dirty_log: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("kvm_vm_ioctl_get_dirty_log: srcu_read_unlock");
  return flush;
}
