/**
 * The mmu_notifier entry points (virt/kvm/kvm_main.c 6.15; spec §2.7):
 * kvm_handle_hva_range under SRCU, which turns an hva range into the gfn range
 * of each memslot it meets (clipped to the slot) and calls the handler;
 * aging is lockless (CONFIG_KVM_MMU_LOCKLESS_AGING, x86), invalidation takes
 * mmu_lock for write. x86 selects CONFIG_KVM_ELIDE_TLB_FLUSH_IF_YOUNG, so
 * clear_flush_young does not flush either. hvas are in pages.
 * DEVIATION (U5, issue 20): no mmu_invalidate_begin/end protocol
 * (mmu_invalidate_in_progress, the range, mmu_invalidate_seq bumped at
 * invalidate_range_end) and no retry in the fault path
 * (mmu_invalidate_retry_gfn in is_page_fault_stale, RET_PF_RETRY): the
 * invalidation here is kvm_unmap_gfn_range alone. The host page behind an
 * hva never changes in this subject (kvm_faultin_pfn is a function of the
 * hva), so a fault that should retry installs the value it would install
 * after the retry; what the protocol protects (no spte of an old pfn after
 * the primary MMU changed it) is outside what this subject checks.
 */
import { type KGen, srcuReadLock, srcuReadUnlock } from "../../runtime/step";
import { fixed_field, KIND, type Kvm, MEMSLOT } from "./kvm";
import type { kvm_gfn_range } from "./aging";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";

export type GfnHandler = (kvm: Kvm, range: kvm_gfn_range) => KGen<boolean>;

/** kvm_handle_hva_range(kvm, start, end, handler, lockless, flush_on_ret): the one memslot. */
export function* kvm_handle_hva_range(kvm: Kvm, start: number, end: number, handler: GfnHandler, lockless: boolean, flush_on_ret: boolean): KGen<boolean> {
  const who = "kvm_handle_hva_range";
  yield srcuReadLock(`${who}: srcu_read_lock(&kvm->srcu)`);
  const slot = kvm.slot;
  const base = fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot);
  const ua = fixed_field(kvm, slot, MEMSLOT.userspace_addr, KIND.memslot);
  const hva_start = Math.max(start, ua);
  const hva_end = Math.min(end, ua + fixed_field(kvm, slot, MEMSLOT.npages, KIND.memslot));
  let ret = false;
  if (hva_start < hva_end) {
    const range: kvm_gfn_range = { slot, start: base + (hva_start - ua), end: base + (hva_end - ua) };
    if (!lockless) yield write_lock(who);
    ret = yield* handler(kvm, range);
    if (flush_on_ret && ret) yield kvm_flush_remote_tlbs(who);
    if (!lockless) yield write_unlock(who);
  }
  yield srcuReadUnlock(`${who}: srcu_read_unlock(&kvm->srcu)`);
  return ret;
}

/** kvm_mmu_notifier_clear_flush_young: kvm_age_gfn; no flush on x86 (ELIDE_TLB_FLUSH_IF_YOUNG). */
export function* kvm_mmu_notifier_clear_flush_young(kvm: Kvm, start: number, end: number): KGen<boolean> {
  return yield* kvm_handle_hva_range(kvm, start, end, kvm.sym.kvm_age_gfn, true, false);
}

/** kvm_mmu_notifier_clear_young: kvm_age_gfn, never a flush. */
export function* kvm_mmu_notifier_clear_young(kvm: Kvm, start: number, end: number): KGen<boolean> {
  return yield* kvm_handle_hva_range(kvm, start, end, kvm.sym.kvm_age_gfn, true, false);
}

/** kvm_mmu_notifier_test_young: kvm_test_age_gfn over [address, address + 1). */
export function* kvm_mmu_notifier_test_young(kvm: Kvm, address: number): KGen<boolean> {
  return yield* kvm_handle_hva_range(kvm, address, address + 1, kvm.sym.kvm_test_age_gfn, true, false);
}

/** kvm_mmu_notifier_invalidate_range_start: kvm_unmap_gfn_range under mmu_lock, flush if anything was zapped. */
export function* kvm_mmu_notifier_invalidate_range_start(kvm: Kvm, start: number, end: number): KGen<boolean> {
  return yield* kvm_handle_hva_range(kvm, start, end, kvm.sym.kvm_unmap_gfn_range, false, true);
}
