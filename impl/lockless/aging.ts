/**
 * Aging without mmu_lock (mmu.c 6.15, af3b6a9eba48; spec §2.5): each rmap a
 * range meets is locked read-only, walked with for_each_rmap_spte_lockless,
 * and each accessed spte is made old: clear_bit(A) when A/D is enabled, else
 * a cmpxchg from the snapshot to its access-tracked form whose failure is
 * ignored ("the spte is being concurrently modified and should most likely
 * stay young"). test_only returns at the first accessed spte, after unlocking.
 * With tdp_mmu_enabled the TDP MMU (a stub, tdp_mmu.ts) is aged first and the
 * rmaps only when kvm_may_have_shadow_mmu_sptes (indirect_shadow_pages);
 * kvm_test_age_gfn returns at once when the TDP MMU answers young.
 */
import type { KGen } from "../../runtime/step";
import { KVM_PAGES_PER_HPAGE, type Kvm } from "./kvm";
import { is_accessed_spte, shadow_accessed_mask, spte_ad_enabled } from "./spte_bits";
import { tdp_mmu_enabled } from "./tdp_mmu";

/** struct kvm_gfn_range: gfns [start, end) of one memslot. */
export interface kvm_gfn_range {
  slot: number;
  start: number;
  end: number;
  /** range->may_block: the handler may break mmu_lock (kvm_unmap_gfn_range's walk yields); false when absent. */
  may_block?: boolean;
}

/** ffs(shadow_accessed_mask) - 1 */
const ACCESSED_BIT = Math.log2(shadow_accessed_mask);

/** The ager's treatment of one accessed spte. DEVIATION: the loop body of kvm_rmap_age_gfn_range as a function. */
export function* kvm_rmap_age_spte(kvm: Kvm, sptep: number, spte: number): KGen<void> {
  if (spte_ad_enabled(spte)) yield* kvm.sym.clear_bit(kvm, ACCESSED_BIT, sptep, "kvm_rmap_age_gfn_range");
  else yield* kvm.sym.cmpxchg64(kvm, sptep, spte, kvm.sym.mark_spte_for_access_track(spte), "kvm_rmap_age_gfn_range");
}

/**
 * One rmap of kvm_rmap_age_gfn_range: lock it read-only, age (or, test_only,
 * find) its accessed sptes, unlock. Returns whether one was accessed.
 * DEVIATION: the inner loop's body as a function (the kernel's test_only
 * `return true` is this function returning true to the loop, which returns).
 */
export function* kvm_rmap_age_rmap(kvm: Kvm, rmap_head: number, test_only: boolean): KGen<boolean> {
  const rmap_val = yield* kvm.sym.kvm_rmap_lock_readonly(kvm, rmap_head);
  let young = false;
  if (kvm.sym.kvm_rmap_age_walks(rmap_val)) {
    yield* kvm.sym.for_each_rmap_spte_lockless(kvm, rmap_head, function* (sptep, spte) {
      if (!is_accessed_spte(spte)) return false;
      young = true;
      if (test_only) return true;
      yield* kvm.sym.kvm_rmap_age_spte(kvm, sptep, spte);
      return false;
    });
  }
  yield* kvm.sym.kvm_rmap_unlock_readonly(kvm, rmap_head, rmap_val);
  return young;
}

/**
 * Whether kvm_rmap_age_gfn_range walks an rmap whose kvm_rmap_lock_readonly
 * returned `rmap_val`: always, in 6.15. The walk (for_each_rmap_spte_lockless
 * -> rmap_get_first -> kvm_rmap_get) re-reads the head instead of using the
 * value the lock returned, so when the lock was elided on an empty rmap it
 * can walk an entry a writer added since, under no lock (L6,
 * docs/findings-lockless.md). DEVIATION: a predicate of its own, not a
 * kernel function, so that a design can skip the walk of an elided rmap
 * (impl/lockless/designs.ts, age-skips-elided).
 */
export function kvm_rmap_age_walks(rmap_val: number): boolean {
  return true;
}

/**
 * The first gfn of kvm_rmap_age_gfn_range's walk at a level: range->start.
 * DEVIATION: a function of its own so that a design can change the loop's
 * start alone (impl/lockless/designs.ts, index-walk).
 */
export function kvm_rmap_age_first_gfn(kvm: Kvm, range: kvm_gfn_range, level: number): number {
  return range.start;
}

/** kvm_rmap_age_gfn_range: for each level, for gfn = start; gfn < end; gfn += KVM_PAGES_PER_HPAGE(level). */
export function* kvm_rmap_age_gfn_range(kvm: Kvm, range: kvm_gfn_range, test_only: boolean): KGen<boolean> {
  let young = false;
  for (let level = 1; level <= kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL; level++) {
    for (let gfn = kvm.sym.kvm_rmap_age_first_gfn(kvm, range, level); gfn < range.end; gfn += KVM_PAGES_PER_HPAGE(kvm, level)) {
      const rmap_head = kvm.sym.gfn_to_rmap(kvm, gfn, level, range.slot);
      const r = yield* kvm.sym.kvm_rmap_age_rmap(kvm, rmap_head, test_only);
      if (r && test_only) return true;
      young = young || r;
    }
  }
  return young;
}

/** kvm_age_gfn: the TDP MMU first, then the shadow MMU's rmaps if it may have sptes. No mmu_lock. */
export function* kvm_age_gfn(kvm: Kvm, range: kvm_gfn_range): KGen<boolean> {
  let young = false;
  if (tdp_mmu_enabled(kvm)) young = yield* kvm.sym.kvm_tdp_mmu_age_gfn_range(kvm, range);
  if (yield* kvm.sym.kvm_may_have_shadow_mmu_sptes(kvm)) young = (yield* kvm.sym.kvm_rmap_age_gfn_range(kvm, range, false)) || young;
  return young;
}

/** kvm_test_age_gfn: a young TDP MMU answer returns at once (e25c2332346f); then the rmaps, test_only. */
export function* kvm_test_age_gfn(kvm: Kvm, range: kvm_gfn_range): KGen<boolean> {
  let young = false;
  if (tdp_mmu_enabled(kvm)) young = yield* kvm.sym.kvm_tdp_mmu_test_age_gfn(kvm, range);
  if (young) return young;
  if (yield* kvm.sym.kvm_may_have_shadow_mmu_sptes(kvm)) young = (yield* kvm.sym.kvm_rmap_age_gfn_range(kvm, range, true)) || young;
  return young;
}
