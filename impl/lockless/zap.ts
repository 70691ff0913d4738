/**
 * Zapping under mmu_lock (mmu.c 6.15; spec §5.2 Z): the mmu_notifier
 * invalidation walks every rmap of the range (__walk_slot_rmaps, skipping
 * empty ones by a plain read of val) and zaps each whole
 * (kvm_zap_all_rmap_sptes frees its descs); zapping one shadow page drops each
 * leaf spte with its rmap entry (drop_spte), then, after a remote TLB flush
 * that waits out lockless page-table walkers, frees the page.
 */
import { free, type KGen, load } from "../../runtime/step";
import { WORD_BYTES } from "../../runtime/memory";
import type { kvm_gfn_range } from "./aging";
import { fixed_field, KIND, type Kvm, MMU_PAGE } from "./kvm";
import { sp_field } from "./rmap";
import { is_last_spte, is_shadow_present_pte } from "./spte_bits";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";
import { tdp_mmu_enabled } from "./tdp_mmu";

/** kvm_zap_rmap: a slot_rmaps_handler. */
export function* kvm_zap_rmap(kvm: Kvm, rmap_head: number, slot: number): KGen<boolean> {
  return yield* kvm.sym.kvm_zap_all_rmap_sptes(kvm, rmap_head);
}

/**
 * __walk_slot_rmaps over levels [start_level, end_level] and gfns
 * [start_gfn, end_gfn] (inclusive): for_each_slot_rmap_range visits rmap
 * gfn_to_rmap(start_gfn) .. gfn_to_rmap(end_gfn) at each level, skipping
 * empty ones after the first (slot_rmap_walk_next's atomic_long_read).
 * With can_yield, after each rmap it visits: if need_resched() ||
 * rwlock_needbreak(&kvm->mmu_lock), flush what it zapped (flush_on_yield)
 * and cond_resched_rwlock_write.
 * DEVIATION: the kernel's parameter order ends (can_yield, flush_on_yield,
 * flush); here flush comes first and the other two default to false. The
 * break's condition is taken as always true: every visit ends with a release
 * and a re-take of mmu_lock, in which any other thread may run (a schedule
 * in which none does is the kernel's "no break", but for the flush).
 */
export function* __walk_slot_rmaps(
  kvm: Kvm,
  slot: number,
  fn: (kvm: Kvm, rmap_head: number, slot: number) => KGen<boolean>,
  start_level: number,
  end_level: number,
  start_gfn: number,
  end_gfn: number,
  flush: boolean,
  can_yield = false,
  flush_on_yield = false,
): KGen<boolean> {
  for (let level = start_level; level <= end_level; level++) {
    const first = kvm.sym.gfn_to_rmap(kvm, start_gfn, level, slot);
    const end_rmap = kvm.sym.gfn_to_rmap(kvm, end_gfn, level, slot);
    for (let rmap = first; rmap <= end_rmap; rmap += WORD_BYTES) {
      if (rmap !== first && !(yield load(rmap, KIND.rmapHead, "slot_rmap_walk_next: atomic_long_read(&iterator->rmap->val)"))) continue;
      flush = (yield* fn(kvm, rmap, slot)) || flush;
      if (!can_yield) continue;
      if (flush && flush_on_yield) {
        yield kvm_flush_remote_tlbs("__walk_slot_rmaps: kvm_flush_remote_tlbs_range before yielding");
        flush = false;
      }
      yield write_unlock("__walk_slot_rmaps: cond_resched_rwlock_write");
      yield write_lock("__walk_slot_rmaps: cond_resched_rwlock_write");
    }
  }
  return flush;
}

/**
 * kvm_unmap_gfn_range: every rmap the range meets, at every level, if the
 * memslots have rmaps; then the TDP MMU's range. Returns whether to flush.
 */
export function* kvm_unmap_gfn_range(kvm: Kvm, range: kvm_gfn_range): KGen<boolean> {
  let flush = false;
  if (yield* kvm.sym.kvm_memslots_have_rmaps(kvm)) {
    // __kvm_rmap_zap_gfn_range(kvm, range->slot, range->start, range->end, range->may_block, flush):
    // __walk_slot_rmaps with can_yield = may_block and flush_on_yield.
    flush = yield* kvm.sym.__walk_slot_rmaps(kvm, range.slot, kvm.sym.kvm_zap_rmap, 1, kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL, range.start, range.end - 1, flush, range.may_block === true, true);
  }
  if (tdp_mmu_enabled(kvm)) flush = yield* kvm.sym.kvm_tdp_mmu_unmap_gfn_range(kvm, range, flush);
  return flush;
}

/** mmu_page_zap_pte for a leaf: drop a present spte with its rmap entry. */
export function* mmu_page_zap_pte(kvm: Kvm, sp: number, spte: number): KGen<void> {
  const pte = yield load(spte, KIND.spt, "mmu_page_zap_pte: pte = *spte");
  if (is_shadow_present_pte(pte) && is_last_spte(pte, sp_field(kvm, sp, MMU_PAGE.level))) yield* kvm.sym.drop_spte(kvm, spte);
}

/**
 * kvm_mmu_prepare_zap_page for a leaf page: unlink its children (drop every
 * spte) and take it off active_mmu_pages. DEVIATION: no parent ptes, no
 * unsync children: every simulated page is a leaf page under an unsimulated root.
 */
export function* kvm_mmu_prepare_zap_page(kvm: Kvm, sp: number, invalid_list: number[]): KGen<void> {
  const spt = sp_field(kvm, sp, MMU_PAGE.spt);
  for (let i = 0; i < kvm.cfg.sptesPerPage; i++) yield* kvm.sym.mmu_page_zap_pte(kvm, sp, spt + i * WORD_BYTES);
  yield* kvm.sym.unaccount_shadowed(kvm, sp);
  kvm.active_mmu_pages.splice(kvm.active_mmu_pages.indexOf(sp), 1);
  invalid_list.push(sp);
}

/** kvm_mmu_commit_zap_page: flush remote TLBs (waits for lockless walkers), then free the pages. */
export function* kvm_mmu_commit_zap_page(kvm: Kvm, invalid_list: number[]): KGen<void> {
  if (invalid_list.length === 0) return;
  yield kvm_flush_remote_tlbs("kvm_mmu_commit_zap_page");
  for (const sp of invalid_list.splice(0)) yield* kvm.sym.kvm_mmu_free_shadow_page(kvm, sp);
}

/** kvm_mmu_free_shadow_page: free_page(sp->spt), kmem_cache_free(sp). */
export function* kvm_mmu_free_shadow_page(kvm: Kvm, sp: number): KGen<void> {
  yield free(fixed_field(kvm, sp, MMU_PAGE.spt, KIND.mmuPage), KIND.spt, "kvm_mmu_free_shadow_page: free_page(sp->spt)");
  yield free(sp, KIND.mmuPage, "kvm_mmu_free_shadow_page: kmem_cache_free(mmu_page_header_cache, sp)");
}
