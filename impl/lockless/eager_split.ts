/**
 * Eager page splitting of the shadow MMU (eager_page_split, arch/x86/kvm/mmu/mmu.c
 * 6.15): when dirty logging is enabled on a slot, kvm_mmu_slot_apply_flags
 * splits the slot's huge pages before it write-protects them, so that the
 * vCPUs do not take a write fault per huge page to break it down.
 *
 *   kvm_mmu_slot_try_split_huge_pages       returns at once without the TDP MMU;
 *                                           under mmu_lock for write, the shadow MMU's part:
 *   kvm_shadow_mmu_try_split_huge_pages     __walk_slot_rmaps(shadow_mmu_try_split_huge_pages,
 *                                           level, level, can_yield, flush_on_yield) for
 *                                           level = KVM_MAX_HUGEPAGE_LEVEL down to target_level + 1
 *   shadow_mmu_try_split_huge_pages         for_each_rmap_spte; skip invalid sps; split; restart
 *   shadow_mmu_try_split_huge_page          if the split caches need a top-up: mmu_lock dropped,
 *                                           topup_split_caches, mmu_lock retaken, -EAGAIN (the
 *                                           iterator restarts); else shadow_mmu_split_huge_page
 *   shadow_mmu_split_huge_page              READ_ONCE(*huge_sptep); the child sp; for each child
 *                                           index not present: make_small_spte, mmu_spte_set,
 *                                           __rmap_add; then __link_shadow_page
 *   __link_shadow_page -> drop_large_spte   the huge spte cleared, then its rmap entry removed
 *
 * The small sptes are in their rmaps before the huge spte leaves its own, so
 * the gfn is in some rmap of the slot throughout; the lockless ager walks the
 * levels from 4K up, though, and can visit the 4K rmap before the small sptes
 * arrive and the huge rmap after the huge spte left (docs/findings-lockless.md).
 *
 * DEVIATION: the TDP MMU's part (kvm_tdp_mmu_try_split_huge_pages, under
 * mmu_lock for read) is not simulated: the stub maps 4K only, so it has
 * nothing to split. The split caches (split_desc_cache,
 * split_page_header_cache, split_shadow_page_cache) are one flag,
 * `split_caches_filled` (kvm.ts): empty when the VM is created, as the
 * kernel's are, so the first split of a run drops mmu_lock to top them up
 * and restarts its iterator (-EAGAIN); after that they hold more than a run
 * here can use (553 descs, 40 pages each), so no later split drops the
 * lock for them. need_resched() and rwlock_needbreak() are taken as false
 * inside a split: the walk's lock break between rmaps (__walk_slot_rmaps
 * with can_yield) is the contended-lock break this model has. No
 * -ENOMEM/-ENOSPC path runs (kvm_mmu_available_pages is not simulated).
 * DEVIATION: the non-leaf spte that links the child page
 * (make_nonleaf_spte, mmu_spte_set in __link_shadow_page) and
 * sp->parent_ptes (mmu_page_add_parent_pte -> pte_list_add on
 * &sp->parent_ptes) are not simulated: the walk from the root is a lookup
 * here (page_fault.ts), and no lockless reader walks parent_ptes; the huge
 * spte's word stays cleared after drop_large_spte. 6.15's pte_list_add takes
 * kvm_rmap_lock on whatever kvm_rmap_head it is given, parent_ptes too
 * (docs/model.md).
 * DEVIATION: role.guest_mode is not a field: with tdp_mmu_enabled every
 * shadow page here is an L2 one (the rmaps hold nested pages' sptes only),
 * so the WARN_ON_ONCE(!sp->role.guest_mode) never fires; the child page is
 * a direct page (role.direct = true, as shadow_mmu_get_sp_for_split asks)
 * with its parent's quadrant and role.ad_disabled (kvm_mmu_child_role keeps
 * the parent's role bits). No sp is unsync or invalid while a split runs
 * (invalid ones are on active_mmu_pages only between a zap's prepare and
 * commit, both under mmu_lock).
 */
import { type KGen, load } from "../../runtime/step";
import { fixed_field, KIND, type Kvm, KVM_PAGES_PER_HPAGE, MEMSLOT, MMU_PAGE } from "./kvm";
import { sptep_of } from "./page_fault";
import { kvm_mmu_page_get_gfn, sp_field, spte_index, sptep_to_sp } from "./rmap";
import { is_large_pte, is_shadow_present_pte, PT_PAGE_SIZE_MASK, SPTE_PFN_SHIFT } from "./spte_bits";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";
import { tdp_mmu_enabled } from "./tdp_mmu";

/**
 * kvm_mmu_slot_try_split_huge_pages(kvm, memslot, target_level): nothing
 * without the TDP MMU; the shadow MMU's huge pages under mmu_lock for write
 * when the slots have rmaps. DEVIATION: the TDP MMU's split (under mmu_lock
 * for read) is left out (see the file's comment).
 */
export function* kvm_mmu_slot_try_split_huge_pages(kvm: Kvm, memslot: number, target_level: number): KGen<void> {
  if (!tdp_mmu_enabled(kvm)) return;
  const start = fixed_field(kvm, memslot, MEMSLOT.base_gfn, KIND.memslot);
  const end = start + fixed_field(kvm, memslot, MEMSLOT.npages, KIND.memslot);
  if (yield* kvm.sym.kvm_memslots_have_rmaps(kvm)) {
    yield write_lock("kvm_mmu_slot_try_split_huge_pages");
    yield* kvm.sym.kvm_shadow_mmu_try_split_huge_pages(kvm, memslot, start, end, target_level);
    yield write_unlock("kvm_mmu_slot_try_split_huge_pages");
  }
}

/**
 * kvm_shadow_mmu_try_split_huge_pages: from KVM_MAX_HUGEPAGE_LEVEL down to
 * target_level + 1, so that a page split into huge children is split again
 * at the next level; each level's rmaps walked with can_yield and
 * flush_on_yield.
 */
export function* kvm_shadow_mmu_try_split_huge_pages(kvm: Kvm, slot: number, start: number, end: number, target_level: number): KGen<void> {
  for (let level = kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL; level > target_level; level--) {
    yield* kvm.sym.__walk_slot_rmaps(kvm, slot, kvm.sym.shadow_mmu_try_split_huge_pages, level, level, start, end - 1, false, true, true);
  }
}

/**
 * shadow_mmu_try_split_huge_pages, a slot_rmaps_handler: split the first
 * huge spte of the rmap and restart the iterator (the split removed it from
 * the list, or mmu_lock was dropped for the top-up: -EAGAIN), until none is
 * left; any other error ends the walk of this rmap. Returns false (no flush
 * for the walk).
 */
export function* shadow_mmu_try_split_huge_pages(kvm: Kvm, rmap_head: number, slot: number): KGen<boolean> {
  for (let restart = true; restart; ) {
    restart = false;
    yield* kvm.sym.for_each_rmap_spte(kvm, rmap_head, function* (huge_sptep) {
      // WARN_ON_ONCE(!sp->role.guest_mode), WARN_ON_ONCE(!is_large_pte(*huge_sptep)) (the walk is at a huge
      // level, whose rmaps hold huge leaf sptes only), WARN_ON_ONCE(sp->unsync), sp->role.invalid: never here.
      const r = yield* kvm.sym.shadow_mmu_try_split_huge_page(kvm, slot, huge_sptep);
      restart = r === 0 || r === -EAGAIN;
      return true;
    });
  }
  return false;
}

/** -EAGAIN (include/uapi/asm-generic/errno-base.h). */
export const EAGAIN = 11;

/**
 * need_topup_split_caches_or_resched: whether a split cache is below its
 * minimum. DEVIATION: need_resched() and rwlock_needbreak(&kvm->mmu_lock)
 * are false here, and the three caches are one flag (see the file's comment).
 */
export function need_topup_split_caches_or_resched(kvm: Kvm): boolean {
  return !kvm.split_caches_filled;
}

/**
 * topup_split_caches: fill split_desc_cache, split_page_header_cache and
 * split_shadow_page_cache, with mmu_lock dropped (GFP_KERNEL_ACCOUNT
 * allocations may sleep). DEVIATION: no step; the objects are not allocated
 * in simulated memory (the split takes its child page and descs as before),
 * and the top-up never fails.
 */
export function topup_split_caches(kvm: Kvm): number {
  kvm.split_caches_filled = true;
  return 0;
}

/**
 * shadow_mmu_try_split_huge_page: 0 once split; -EAGAIN after dropping
 * mmu_lock to top up the split caches (the caller restarts its iterator, the
 * rmap may have changed in the break). DEVIATION: no
 * kvm_mmu_available_pages check (-ENOSPC) and no tracepoint (the gfn, level
 * and *huge_sptep it reads before the break are not read here).
 */
export function* shadow_mmu_try_split_huge_page(kvm: Kvm, slot: number, huge_sptep: number): KGen<number> {
  if (kvm.sym.need_topup_split_caches_or_resched(kvm)) {
    yield write_unlock("shadow_mmu_try_split_huge_page: before topup_split_caches");
    // cond_resched(); r = topup_split_caches(kvm) ?: -EAGAIN;
    const r = topup_split_caches(kvm) || -EAGAIN;
    yield write_lock("shadow_mmu_try_split_huge_page: after topup_split_caches");
    return r;
  }
  yield* kvm.sym.shadow_mmu_split_huge_page(kvm, slot, huge_sptep);
  return 0;
}

/**
 * shadow_mmu_get_sp_for_split: a direct child page one level down at the
 * huge spte's gfn (kvm_mmu_child_role: the parent's role, level - 1, direct),
 * from the split caches. DEVIATION: the geometry's child page may span more
 * than the huge spte (sptesPerPage * the child's page size need not be the
 * huge page's size); it is the page at that level whose span holds the gfn,
 * and only its indexes inside the huge spte's region are split into.
 */
export function* shadow_mmu_get_sp_for_split(kvm: Kvm, huge_sptep: number): KGen<number> {
  const huge_sp = sptep_to_sp(kvm, huge_sptep);
  const gfn = kvm_mmu_page_get_gfn(kvm, huge_sp, spte_index(kvm, huge_sptep));
  const level = sp_field(kvm, huge_sp, MMU_PAGE.level) - 1;
  const quadrant = sp_field(kvm, huge_sp, MMU_PAGE.quadrant);
  const ad_disabled = sp_field(kvm, huge_sp, MMU_PAGE.ad_disabled) !== 0;
  return yield* kvm.sym.kvm_mmu_get_shadow_page(kvm, gfn, level, quadrant, true, ad_disabled);
}

/**
 * make_small_spte(kvm, huge_spte, role, index) (spte.c): the huge spte with
 * the pfn of child `index`; a 4K child loses PT_PAGE_SIZE_MASK. A, D, W,
 * MMU-writable, the A/D type and an access-tracked state are carried over as
 * they are. DEVIATION: X is always set here, so make_spte_executable (NX huge
 * pages) changes nothing; `index` counts from the huge spte's first gfn
 * (the child page may start earlier: see shadow_mmu_get_sp_for_split).
 */
export function make_small_spte(kvm: Kvm, huge_spte: number, child_level: number, index: number): number {
  let child_spte = huge_spte + ((index * KVM_PAGES_PER_HPAGE(kvm, child_level)) << SPTE_PFN_SHIFT);
  if (child_level === 1) child_spte &= ~PT_PAGE_SIZE_MASK;
  return child_spte;
}

/**
 * The body of shadow_mmu_split_huge_page's loop for one child spte: skip a
 * present one ("guaranteed to map the same gfn-to-pfn translation"), else
 * mmu_spte_set the small spte and __rmap_add it (split_desc_cache; rmap.ts rmap_add is __rmap_add, the
 * desc cache not simulated). Returns
 * whether the present spte was a non-leaf one (the loop's `flush |=`).
 * DEVIATION: a function of its own so that a mutant replaces this step alone.
 */
export function* shadow_mmu_split_child_spte(kvm: Kvm, slot: number, sp: number, sptep: number, gfn: number, huge_spte: number, index: number): KGen<boolean> {
  const cur = yield load(sptep, KIND.spt, "shadow_mmu_split_huge_page: is_shadow_present_pte(*sptep)");
  if (is_shadow_present_pte(cur)) return !(sp_field(kvm, sp, MMU_PAGE.level) === 1 || is_large_pte(cur));
  yield* kvm.sym.mmu_spte_set(kvm, sptep, make_small_spte(kvm, huge_spte, sp_field(kvm, sp, MMU_PAGE.level), index));
  yield* kvm.sym.rmap_add(kvm, slot, sptep, gfn); // __rmap_add(kvm, &kvm->arch.split_desc_cache, ...): rmap.ts
  return false;
}

/**
 * shadow_mmu_split_huge_page: the huge spte read once, the child page, each
 * child spte the huge region covers, then __link_shadow_page.
 */
export function* shadow_mmu_split_huge_page(kvm: Kvm, slot: number, huge_sptep: number): KGen<void> {
  const huge_spte = yield load(huge_sptep, KIND.spt, "shadow_mmu_split_huge_page: huge_spte = READ_ONCE(*huge_sptep)");
  const huge_sp = sptep_to_sp(kvm, huge_sptep);
  const huge_gfn = kvm_mmu_page_get_gfn(kvm, huge_sp, spte_index(kvm, huge_sptep));
  const sp = yield* kvm.sym.shadow_mmu_get_sp_for_split(kvm, huge_sptep);
  const flush = yield* shadow_mmu_split_children(kvm, slot, huge_sp, huge_gfn, sp, huge_spte);
  yield* kvm.sym.__link_shadow_page(kvm, huge_sptep, sp, flush);
}

/**
 * shadow_mmu_split_huge_page's loop: every child spte of `sp` the huge
 * region (huge_gfn, huge_sp's level) covers, made from `huge_spte`; returns
 * the loop's `flush`. DEVIATION: a function of its own, so that the design
 * split-after-drop (split_after_drop.ts) runs the same loop on the value its
 * clear returned.
 */
export function* shadow_mmu_split_children(kvm: Kvm, slot: number, huge_sp: number, huge_gfn: number, sp: number, huge_spte: number): KGen<boolean> {
  const child_pages = KVM_PAGES_PER_HPAGE(kvm, sp_field(kvm, sp, MMU_PAGE.level));
  let flush = false;
  for (let index = 0; index * child_pages < KVM_PAGES_PER_HPAGE(kvm, sp_field(kvm, huge_sp, MMU_PAGE.level)); index++) {
    const gfn = huge_gfn + index * child_pages;
    flush = (yield* kvm.sym.shadow_mmu_split_child_spte(kvm, slot, sp, sptep_of(kvm, sp, gfn), gfn, huge_spte, index)) || flush;
  }
  return flush;
}

/**
 * __link_shadow_page(kvm, cache, sptep, sp, flush): a present (huge) spte is
 * dropped first. DEVIATION: the non-leaf spte and sp->parent_ptes are not
 * simulated (see the file's comment), so nothing is installed after the drop.
 */
export function* __link_shadow_page(kvm: Kvm, sptep: number, _sp: number, flush: boolean): KGen<void> {
  if (is_shadow_present_pte(yield load(sptep, KIND.spt, "__link_shadow_page: is_shadow_present_pte(*sptep)"))) {
    yield* kvm.sym.drop_large_spte(kvm, sptep, flush);
  }
}

/** drop_large_spte(kvm, sptep, flush): drop_spte (the spte cleared, then its rmap entry removed), then flush if asked. */
export function* drop_large_spte(kvm: Kvm, sptep: number, flush: boolean): KGen<void> {
  yield* kvm.sym.drop_spte(kvm, sptep);
  if (flush) yield kvm_flush_remote_tlbs("drop_large_spte: kvm_flush_remote_tlbs_sptep");
}
