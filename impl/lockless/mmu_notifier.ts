/**
 * The mmu_notifier entry points (virt/kvm/kvm_main.c 6.15; spec §2.7):
 * kvm_handle_hva_range under SRCU, which turns an hva range into the gfn range
 * of each memslot it meets (clipped to the slot) and calls the handler;
 * aging is lockless (CONFIG_KVM_MMU_LOCKLESS_AGING, x86), invalidation takes
 * mmu_lock for write. x86 selects CONFIG_KVM_ELIDE_TLB_FLUSH_IF_YOUNG, so
 * clear_flush_young does not flush either. hvas are in pages.
 * The invalidation runs the mmu_invalidate protocol (mmu_invalidate.ts):
 * invalidate_range_start takes mmu_lock, kvm_mmu_invalidate_begin (on_lock),
 * kvm_mmu_invalidate_range_add and kvm_unmap_gfn_range (the handler
 * kvm_mmu_unmap_gfn_range), flushes, unlocks; invalidate_range_end takes it
 * again for kvm_mmu_invalidate_end.
 * DEVIATION: one operation runs range_start and then range_end; between
 * them mmu_lock is free (the primary MMU changes its page tables there, which
 * is not simulated: the host page behind an hva never changes here), so a
 * fault in that window sees the invalidation in progress and retries.
 * mn_active_invalidate_count and the gfn_to_pfn caches are not simulated.
 */
import { type KGen, load, srcuReadLock, srcuReadUnlock } from "../../runtime/step";
import { fixed_field, KIND, type Kvm, MEMSLOT } from "./kvm";
import type { kvm_gfn_range } from "./aging";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";

export type GfnHandler = (kvm: Kvm, range: kvm_gfn_range) => KGen<boolean>;

/**
 * kvm_handle_hva_range(kvm, start, end, handler, lockless, flush_on_ret,
 * on_lock, may_block): the one memslot; on_lock runs right after mmu_lock is taken, as
 * __kvm_handle_hva_range's does for the first memslot found. The slot is the
 * one in kvm->memslots (__kvm_memslots: srcu_dereference), which may be the
 * INVALID copy of a slot being deleted (its rmaps are the old slot's) or none
 * once it is deleted: then nothing is found and nothing is done.
 * DEVIATION: the read of kvm->memslots is a step only in a run that may
 * delete the slot (Kvm's memslot_deletable); elsewhere the slot is `kvm.slot`.
 */
export function* kvm_handle_hva_range(
  kvm: Kvm,
  start: number,
  end: number,
  handler: GfnHandler,
  lockless: boolean,
  flush_on_ret: boolean,
  on_lock: ((kvm: Kvm) => KGen<void>) | null = null,
  may_block = false,
): KGen<boolean> {
  const who = "kvm_handle_hva_range";
  yield srcuReadLock(`${who}: srcu_read_lock(&kvm->srcu)`);
  const slot = kvm.memslot_deletable ? yield load(kvm.memslots, KIND.memslots, `${who}: slots = __kvm_memslots(kvm, i) (srcu_dereference)`) : kvm.slot;
  if (slot === 0) {
    yield srcuReadUnlock(`${who}: srcu_read_unlock(&kvm->srcu)`);
    return false;
  }
  const base = fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot);
  const ua = fixed_field(kvm, slot, MEMSLOT.userspace_addr, KIND.memslot);
  const hva_start = Math.max(start, ua);
  const hva_end = Math.min(end, ua + fixed_field(kvm, slot, MEMSLOT.npages, KIND.memslot));
  let ret = false;
  if (hva_start < hva_end) {
    const range: kvm_gfn_range = { slot, start: base + (hva_start - ua), end: base + (hva_end - ua), may_block };
    if (!lockless) yield write_lock(who);
    if (on_lock !== null) yield* on_lock(kvm);
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

/** kvm_mmu_unmap_gfn_range: the invalidation's handler: record the range, then kvm_unmap_gfn_range. */
export function* kvm_mmu_unmap_gfn_range(kvm: Kvm, range: kvm_gfn_range): KGen<boolean> {
  yield* kvm.sym.kvm_mmu_invalidate_range_add(kvm, range.start, range.end);
  return yield* kvm.sym.kvm_unmap_gfn_range(kvm, range);
}

/**
 * kvm_mmu_notifier_invalidate_range_start: under mmu_lock, kvm_mmu_invalidate_begin, then kvm_mmu_unmap_gfn_range; flush if anything was zapped.
 * `may_block` is mmu_notifier_range_blockable(range): true for most invalidations (munmap, MADV_DONTNEED,
 * migration), false for the OOM reaper's.
 */
export function* kvm_mmu_notifier_invalidate_range_start(kvm: Kvm, start: number, end: number, may_block = false): KGen<boolean> {
  return yield* kvm_handle_hva_range(kvm, start, end, kvm.sym.kvm_mmu_unmap_gfn_range, false, true, kvm.sym.kvm_mmu_invalidate_begin, may_block);
}

/** kvm_mmu_notifier_invalidate_range_end: kvm_mmu_invalidate_end under mmu_lock (a memslot was found), no handler. */
export function* kvm_mmu_notifier_invalidate_range_end(kvm: Kvm, start: number, end: number): KGen<void> {
  // eslint-disable-next-line require-yield
  const kvm_null_fn = function* (): KGen<boolean> {
    return false;
  };
  yield* kvm_handle_hva_range(kvm, start, end, kvm_null_fn, false, false, kvm.sym.kvm_mmu_invalidate_end);
}

/** The unmap_gfn_range operation: range_start, then range_end (DEVIATION above). Returns range_start's flush. */
export function* kvm_mmu_notifier_invalidate_range(kvm: Kvm, start: number, end: number, may_block = false): KGen<boolean> {
  const ret = yield* kvm.sym.kvm_mmu_notifier_invalidate_range_start(kvm, start, end, may_block);
  yield* kvm.sym.kvm_mmu_notifier_invalidate_range_end(kvm, start, end);
  return ret;
}
