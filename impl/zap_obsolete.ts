/**
 * The fast invalidation that was merged instead of the v3 series: Linux 3.11
 * arch/x86/kvm/mmu.c (5304b8d37c2a "fast invalidate all pages", e7d11c7a8949
 * "zap pages in batch", f34d251d66ba "collapse TLB flushes when zap all
 * pages", "reclaim the zapped-obsolete page first") and x86.c's
 * kvm_arch_flush_shadow_all / _memslot calling it (6ca18b6950f8). Spec §3.3.
 *
 * Every rmap change stays under mmu_lock with the normal rmap code
 * (drop_spte -> rmap_remove -> pte_list_remove); the lock is dropped only
 * between whole-page zaps. A page is obsolete once kvm->arch.mmu_valid_gen has
 * moved past sp->mmu_valid_gen (is_obsolete_sp, impl/mmu_page.ts); vCPUs stop
 * using obsolete pages at the kvm_reload_remote_mmus issued with the bump, and
 * kvm_mmu_get_page never hands one out again.
 */
import { type KGen, load, spinLock, spinUnlock } from "../runtime/step";
import { fieldOf, type Kvm, MMU_PAGE } from "./kvm";
import type { Overrides, Symbols } from "./symbols";

/** BATCH_ZAP_PAGES; absent from the configuration: 1 (impl/config.ts). */
function batch_zap_pages(kvm: Kvm): number {
  return kvm.cfg.BATCH_ZAP_PAGES ?? 1;
}

/**
 * kvm_mmu_invalidate_zap_all_pages: under mmu_lock, bump mmu_valid_gen and
 * reload every vCPU's MMU (both under the lock: "otherwise, vcpu would purge
 * shadow page but miss tlb flush"), then zap the obsolete pages.
 */
export function* kvm_mmu_invalidate_zap_all_pages(kvm: Kvm): KGen<void> {
  yield spinLock("kvm_mmu_invalidate_zap_all_pages: spin_lock(mmu_lock)");
  yield* kvm.sym.kvm_mmu_bump_valid_gen(kvm, "kvm_mmu_invalidate_zap_all_pages");
  yield* kvm.sym.kvm_zap_obsolete_pages(kvm);
  yield spinUnlock("kvm_mmu_invalidate_zap_all_pages: spin_unlock(mmu_lock)");
}

/**
 * cond_resched_lock(&kvm->mmu_lock): drop the lock, let others run, take it
 * again; 1 if the lock was dropped. DEVIATION: it always drops the lock (the
 * kernel drops it only when need_resched() or spin_needbreak(), i.e. when some
 * thread waits for it); a run where it would not have dropped it is the run
 * where nobody takes the lock in between, so the runs checked include the
 * kernel's. The spec's granularity (§6): UNLOCK + LOCK with a yield between.
 */
export function* cond_resched_lock(kvm: Kvm): KGen<number> {
  yield spinUnlock("cond_resched_lock: spin_unlock(mmu_lock)");
  yield spinLock("cond_resched_lock: spin_lock(mmu_lock)");
  return 1;
}

/**
 * The lock-break test of kvm_zap_obsolete_pages's walk:
 * `batch >= BATCH_ZAP_PAGES && cond_resched_lock(&kvm->mmu_lock)`; true means
 * "restart the walk". DEVIATION: a function of its own, so that a mutant can
 * replace the restart decision alone.
 */
export function* kvm_zap_obsolete_lock_break(kvm: Kvm, batch: number): KGen<boolean> {
  return batch >= batch_zap_pages(kvm) && (yield* kvm.sym.cond_resched_lock(kvm)) !== 0;
}

/**
 * The page list_for_each_entry_safe_reverse visits after `sp`: the next newer
 * one. DEVIATION: active_mmu_pages is a host list; a page no longer on it has
 * no successor here, where the kernel would follow its stale link.
 */
function newer(kvm: Kvm, sp: number): number | undefined {
  const at = kvm.active_mmu_pages.lastIndexOf(sp);
  return at > 0 ? kvm.active_mmu_pages[at - 1] : undefined;
}

/**
 * kvm_zap_obsolete_pages: walk active_mmu_pages from the oldest page (the
 * list is FIFO: new pages go to the head), stop at the first page that is not
 * obsolete, skip role.invalid pages, zap the rest onto
 * kvm->arch.zapped_obsolete_pages, restarting after every zap and after every
 * lock-break (taken once BATCH_ZAP_PAGES pages were zapped); then one
 * kvm_mmu_commit_zap_page (its TLB flush comes before the pages are freed).
 * No TLB flush at a lock-break: only obsolete pages were zapped, and no vCPU
 * has used them since the reload. Called and returns with mmu_lock held.
 * DEVIATION: with no roots simulated, no page is ever left on active_mmu_pages
 * marked role.invalid, so the skip is never taken here.
 */
export function* kvm_zap_obsolete_pages(kvm: Kvm): KGen<void> {
  let batch = 0;
  let sp: number | undefined = kvm.active_mmu_pages[kvm.active_mmu_pages.length - 1];
  while (sp !== undefined) {
    const node = newer(kvm, sp);
    if (!(yield* kvm.sym.is_obsolete_sp(kvm, sp))) break;
    if (yield load(fieldOf(sp, MMU_PAGE.invalid), "mmu_page", "kvm_zap_obsolete_pages: load sp->role.invalid")) {
      sp = node;
      continue;
    }
    if (yield* kvm.sym.kvm_zap_obsolete_lock_break(kvm, batch)) {
      batch = 0;
      sp = kvm.active_mmu_pages[kvm.active_mmu_pages.length - 1]; // goto restart
      continue;
    }
    const ret = yield* kvm.sym.kvm_mmu_prepare_zap_page(kvm, sp, kvm.zapped_obsolete_pages);
    batch += ret;
    sp = ret ? kvm.active_mmu_pages[kvm.active_mmu_pages.length - 1] : node; // restart when the list changed
  }
  yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, kvm.zapped_obsolete_pages);
}

/** kvm_has_zapped_obsolete_pages: !list_empty(&kvm->arch.zapped_obsolete_pages). */
export function kvm_has_zapped_obsolete_pages(kvm: Kvm): boolean {
  return kvm.zapped_obsolete_pages.length > 0;
}

/**
 * mmu_shrink (3.11) for one VM, under mmu_lock: if kvm_zap_obsolete_pages left
 * prepared pages on zapped_obsolete_pages (it is in a lock-break), free those
 * and zap nothing else ("reclaim the zapped-obsolete page first"); otherwise
 * what v3.10 did.
 */
function mmu_shrink_reclaims_zapped_obsolete_first(base: Symbols): Symbols["mmu_shrink_locked"] {
  return function* mmu_shrink_locked(kvm, gfn, level, quadrant, which) {
    if (kvm_has_zapped_obsolete_pages(kvm)) {
      yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, kvm.zapped_obsolete_pages);
      return 0;
    }
    return yield* base.mmu_shrink_locked(kvm, gfn, level, quadrant, which);
  };
}

/** x86.c kvm_arch_flush_shadow_all (3.11). */
function* kvm_arch_flush_shadow_all(kvm: Kvm): KGen<void> {
  yield* kvm.sym.kvm_mmu_invalidate_zap_all_pages(kvm);
}

/** x86.c kvm_arch_flush_shadow_memslot (3.11): every page, not only the slot's. */
function* kvm_arch_flush_shadow_memslot(kvm: Kvm): KGen<void> {
  yield* kvm.sym.kvm_mmu_invalidate_zap_all_pages(kvm);
}

/** kvm_free_physmem_slot (3.11, as 3.10 and 5.3): the rmaps are empty (every spte was zapped), only the head arrays are freed. */
export function* kvm_free_memslot(kvm: Kvm, slot: number): KGen<void> {
  yield* kvm.sym.kvm_arch_free_memslot(kvm, slot);
}

/**
 * The 3.11 symbols over the v3 table. kvm_mmu_invalid_all_pages (the
 * generated invalid_all_pages operation) becomes kvm_mmu_invalidate_mmio_sptes'
 * wrap-around case, which calls kvm_mmu_invalidate_zap_all_pages in 3.11. The
 * slots' rmap ops are never switched, so every rmap operation is the normal one.
 */
export const merged311: Overrides = (base) => ({
  kvm_arch_flush_shadow_memslot,
  kvm_arch_flush_shadow_all,
  kvm_free_memslot,
  kvm_mmu_invalid_all_pages: (kvm) => kvm.sym.kvm_mmu_invalidate_zap_all_pages(kvm),
  mmu_shrink_locked: mmu_shrink_reclaims_zapped_obsolete_first(base),
});
