/**
 * kvm_handle_hva_range and the MMU-notifier entry points (mmu.c v3.10,
 * virt/kvm/kvm_main.c v3.10), dispatching per slot through slot_rmap_*.
 * DEVIATION: host virtual addresses are in pages (hva >> PAGE_SHIFT).
 *
 * kvm_handle_hva_range visits every memslot of the installed array, including
 * one marked KVM_MEMSLOT_INVALID, which stays installed until the final swap.
 */
import { type KGen, spinLock, spinUnlock, srcuReadLock, srcuReadUnlock } from "../runtime/step";
import { flushRemoteTlbs } from "./steps";
import type { pte_t } from "./host_pte";
import { KVM_NR_PAGE_SIZES, type Kvm, MEMSLOT, PT_PAGE_TABLE_LEVEL } from "./kvm";
import { kvm_memslots, memslots_slots, rmap_head_run, slot_field } from "./memslot";

export type hva_handler = "rmap_unmap" | "rmap_set_pte" | "rmap_age" | "rmap_test_age";

function* call_handler(kvm: Kvm, handler: hva_handler, slot: number, rmapp: number, data: pte_t | null): KGen<number> {
  switch (handler) {
    case "rmap_unmap":
      return yield* kvm.sym.slot_rmap_unmap(kvm, slot, rmapp);
    case "rmap_set_pte":
      return yield* kvm.sym.slot_rmap_set_pte(kvm, slot, rmapp, data!);
    case "rmap_age":
      return yield* kvm.sym.slot_rmap_age(kvm, slot, rmapp);
    case "rmap_test_age":
      return yield* kvm.sym.slot_rmap_test_age(kvm, slot, rmapp);
  }
}

/** kvm_handle_hva_range(kvm, start, end, data, handler): OR of the handler's results. */
export function* kvm_handle_hva_range(kvm: Kvm, start: number, end: number, data: pte_t | null, handler: hva_handler): KGen<number> {
  let ret = 0;
  const slots = yield* kvm_memslots(kvm);
  for (const memslot of memslots_slots(kvm, slots)) {
    const uaddr = slot_field(kvm, memslot, MEMSLOT.userspace_addr);
    const npages = slot_field(kvm, memslot, MEMSLOT.npages);
    const base = slot_field(kvm, memslot, MEMSLOT.base_gfn);
    const hva_start = Math.max(start, uaddr);
    const hva_end = Math.min(end, uaddr + npages);
    if (hva_start >= hva_end) continue;
    const gfn_start = base + (hva_start - uaddr);
    const gfn_end = base + (hva_end - uaddr);
    for (let j = PT_PAGE_TABLE_LEVEL; j < PT_PAGE_TABLE_LEVEL + KVM_NR_PAGE_SIZES; ++j) {
      for (const rmapp of kvm.sym.hva_range_rmaps(kvm, memslot, gfn_start, gfn_end, j)) ret |= yield* call_handler(kvm, handler, memslot, rmapp, data);
    }
  }
  return ret;
}

/**
 * The rmap heads kvm_handle_hva_range visits at one level for [gfn_start,
 * gfn_end): from __gfn_to_rmap(gfn_start) for idx = gfn_to_index(gfn_start) ..
 * gfn_to_index(gfn_end - 1). No steps (the slot never changes). DEVIATION: a
 * function of its own so that a mutant can replace the range alone.
 */
export function hva_range_rmaps(kvm: Kvm, memslot: number, gfn_start: number, gfn_end: number, level: number): number[] {
  const base = slot_field(kvm, memslot, MEMSLOT.base_gfn);
  const first = kvm.sym.gfn_to_index(kvm, gfn_start, base, level);
  const last = kvm.sym.gfn_to_index(kvm, gfn_end - 1, base, level);
  const rmapp = kvm.sym.__gfn_to_rmap(kvm, gfn_start, level, memslot);
  return rmap_head_run(rmapp, last - first + 1);
}

/** kvm_handle_hva: the [hva, hva + 1) case. */
export function* kvm_handle_hva(kvm: Kvm, hva: number, data: pte_t | null, handler: hva_handler): KGen<number> {
  return yield* kvm.sym.kvm_handle_hva_range(kvm, hva, hva + 1, data, handler);
}

/** kvm_mmu_notifier_invalidate_range_start -> kvm_unmap_hva_range; flushes if needed. */
export function* kvm_unmap_hva_range(kvm: Kvm, start: number, end: number): KGen<number> {
  yield srcuReadLock("kvm_mmu_notifier_invalidate_range_start: srcu_read_lock");
  yield spinLock("kvm_mmu_notifier_invalidate_range_start: spin_lock(mmu_lock)");
  const need_tlb_flush = yield* kvm.sym.kvm_handle_hva_range(kvm, start, end, null, "rmap_unmap");
  if (need_tlb_flush) yield flushRemoteTlbs("kvm_mmu_notifier_invalidate_range_start: kvm_flush_remote_tlbs");
  yield spinUnlock("kvm_mmu_notifier_invalidate_range_start: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("kvm_mmu_notifier_invalidate_range_start: srcu_read_unlock");
  return need_tlb_flush;
}

/** kvm_mmu_notifier_change_pte -> kvm_set_spte_hva. */
export function* kvm_set_spte_hva(kvm: Kvm, hva: number, pte: pte_t): KGen<number> {
  yield srcuReadLock("kvm_mmu_notifier_change_pte: srcu_read_lock");
  yield spinLock("kvm_mmu_notifier_change_pte: spin_lock(mmu_lock)");
  const r = yield* kvm_handle_hva(kvm, hva, pte, "rmap_set_pte");
  yield spinUnlock("kvm_mmu_notifier_change_pte: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("kvm_mmu_notifier_change_pte: srcu_read_unlock");
  return r;
}

/** kvm_mmu_notifier_clear_flush_young -> kvm_age_hva; flushes when young. */
export function* kvm_age_hva(kvm: Kvm, hva: number): KGen<number> {
  yield srcuReadLock("kvm_mmu_notifier_clear_flush_young: srcu_read_lock");
  yield spinLock("kvm_mmu_notifier_clear_flush_young: spin_lock(mmu_lock)");
  const young = yield* kvm_handle_hva(kvm, hva, null, "rmap_age");
  if (young) yield flushRemoteTlbs("kvm_mmu_notifier_clear_flush_young: kvm_flush_remote_tlbs");
  yield spinUnlock("kvm_mmu_notifier_clear_flush_young: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("kvm_mmu_notifier_clear_flush_young: srcu_read_unlock");
  return young;
}

/** kvm_mmu_notifier_test_young -> kvm_test_age_hva. */
export function* kvm_test_age_hva(kvm: Kvm, hva: number): KGen<number> {
  yield srcuReadLock("kvm_mmu_notifier_test_young: srcu_read_lock");
  yield spinLock("kvm_mmu_notifier_test_young: spin_lock(mmu_lock)");
  const young = yield* kvm_handle_hva(kvm, hva, null, "rmap_test_age");
  yield spinUnlock("kvm_mmu_notifier_test_young: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("kvm_mmu_notifier_test_young: srcu_read_unlock");
  return young;
}
