/**
 * kvm_zap_gfn_range (mmu.c 6.15): zap every spte of a gfn range under
 * mmu_lock, inside an invalidation (kvm_mmu_invalidate_begin / range_add /
 * end), so that a fault of the range retries. Its callers change what a gfn
 * may map (MTRR and CR0.CD changes, APICv inhibition, guest memfd attributes,
 * __kvm_set_or_clear_apicv_inhibit...). The rmap walk (kvm_rmap_zap_gfn_range
 * -> __kvm_rmap_zap_gfn_range -> __walk_slot_rmaps with can_yield and
 * flush_on_yield) breaks mmu_lock between rmaps (cond_resched_rwlock_write),
 * flushing first what it zapped; the lockless agers and fast page faults and
 * the other mmu_lock users may run in every break.
 */
import type { KGen } from "../../runtime/step";
import { fixed_field, KIND, type Kvm, MEMSLOT } from "./kvm";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";
import { tdp_mmu_enabled } from "./tdp_mmu";

/** __kvm_rmap_zap_gfn_range(kvm, slot, start, end, can_yield, flush): every level, gfns [start, end). */
export function* __kvm_rmap_zap_gfn_range(kvm: Kvm, slot: number, start: number, end: number, can_yield: boolean, flush: boolean): KGen<boolean> {
  return yield* kvm.sym.__walk_slot_rmaps(kvm, slot, kvm.sym.kvm_zap_rmap, 1, kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL, start, end - 1, flush, can_yield, true);
}

/** kvm_rmap_zap_gfn_range: the rmaps of the range, clipped to the memslot, if the memslots have rmaps. */
export function* kvm_rmap_zap_gfn_range(kvm: Kvm, gfn_start: number, gfn_end: number): KGen<boolean> {
  let flush = false;
  if (!(yield* kvm.sym.kvm_memslots_have_rmaps(kvm))) return flush;
  const base = fixed_field(kvm, kvm.slot, MEMSLOT.base_gfn, KIND.memslot);
  const start = Math.max(gfn_start, base);
  const end = Math.min(gfn_end, base + fixed_field(kvm, kvm.slot, MEMSLOT.npages, KIND.memslot));
  if (start >= end) return flush; // kvm_for_each_memslot_in_gfn_range meets no slot
  flush = yield* kvm.sym.__kvm_rmap_zap_gfn_range(kvm, kvm.slot, start, end, true, flush);
  return flush;
}

/**
 * kvm_zap_gfn_range(kvm, gfn_start, gfn_end): void in the kernel; returns 0
 * (what it zapped was flushed at a break or at the end, which the caller
 * cannot tell apart). DEVIATION: the TDP MMU's kvm_tdp_mmu_zap_leafs is the stub's
 * unmap of the range (clipped to the slot).
 */
export function* kvm_zap_gfn_range(kvm: Kvm, gfn_start: number, gfn_end: number): KGen<number> {
  const who = "kvm_zap_gfn_range";
  yield write_lock(who);
  yield* kvm.sym.kvm_mmu_invalidate_begin(kvm);
  yield* kvm.sym.kvm_mmu_invalidate_range_add(kvm, gfn_start, gfn_end);
  let flush = yield* kvm.sym.kvm_rmap_zap_gfn_range(kvm, gfn_start, gfn_end);
  if (tdp_mmu_enabled(kvm)) {
    const base = fixed_field(kvm, kvm.slot, MEMSLOT.base_gfn, KIND.memslot);
    const start = Math.max(gfn_start, base);
    const end = Math.min(gfn_end, base + fixed_field(kvm, kvm.slot, MEMSLOT.npages, KIND.memslot));
    if (start < end) flush = yield* kvm.sym.kvm_tdp_mmu_unmap_gfn_range(kvm, { slot: kvm.slot, start, end }, flush);
  }
  if (flush) yield kvm_flush_remote_tlbs(who);
  yield* kvm.sym.kvm_mmu_invalidate_end(kvm);
  yield write_unlock(who);
  return 0;
}
