/**
 * Mutants of the TDP MMU gates around the shadow MMU's rmap walks (mmu.c
 * 6.15, issue 20): each a plausible misreading of a gate that only matters
 * with tdp_mmu_enabled and a nested (shadow EPT) page.
 */
import type { KGen } from "../../../runtime/step";
import type { kvm_gfn_range } from "../aging";
import type { Kvm } from "../kvm";
import type { LocklessOverrides } from "../symbols";
import { tdp_mmu_enabled } from "../tdp_mmu";

/**
 * may-have-shadow-sptes-tdp-only: kvm_may_have_shadow_mmu_sptes reads
 * "may have shadow sptes" as "the TDP MMU is off" and never looks at
 * indirect_shadow_pages, so with the TDP MMU the ager never walks the rmaps
 * of nested pages.
 */
export const may_have_shadow_sptes_tdp_only: LocklessOverrides = () => ({
  // eslint-disable-next-line require-yield
  *kvm_may_have_shadow_mmu_sptes(kvm: Kvm): KGen<boolean> {
    return !tdp_mmu_enabled(kvm);
  },
});

/**
 * memslots-have-rmaps-tdp-only: kvm_memslots_have_rmaps forgets
 * kvm_shadow_root_allocated, so with the TDP MMU an invalidation and dirty
 * logging skip the rmaps that nested pages filled.
 */
export const memslots_have_rmaps_tdp_only: LocklessOverrides = () => ({
  // eslint-disable-next-line require-yield
  *kvm_memslots_have_rmaps(kvm: Kvm): KGen<boolean> {
    return !tdp_mmu_enabled(kvm);
  },
});

/**
 * test-age-drops-tdp-young: kvm_test_age_gfn without e25c2332346f's early
 * return and with `young =` for `young |=`: the rmaps' answer overwrites the
 * TDP MMU's, so a page young only in the TDP MMU reads old whenever the
 * shadow MMU may have sptes.
 */
export const test_age_drops_tdp_young: LocklessOverrides = () => ({
  *kvm_test_age_gfn(kvm: Kvm, range: kvm_gfn_range): KGen<boolean> {
    let young = false;
    if (tdp_mmu_enabled(kvm)) young = yield* kvm.sym.kvm_tdp_mmu_test_age_gfn(kvm, range);
    if (yield* kvm.sym.kvm_may_have_shadow_mmu_sptes(kvm)) young = yield* kvm.sym.kvm_rmap_age_gfn_range(kvm, range, true);
    return young;
  },
});

/**
 * account-shadowed-after-rmap-add: the nested fault counts its new shadow page
 * in indirect_shadow_pages only after mmu_set_spte has installed the spte and
 * added its rmap entry (account_shadowed moved from page creation to the end
 * of the fault): an ager that starts in between sees an rmap entry but reads
 * a count of 0 and skips every rmap.
 */
export const account_shadowed_after_rmap_add: LocklessOverrides = (base) => {
  /** Per VM, the pages created and not yet counted (the mutant's bookkeeping, host-side). */
  const pending = new WeakMap<Kvm, Set<number>>();
  const of = (kvm: Kvm): Set<number> => pending.get(kvm) ?? pending.set(kvm, new Set()).get(kvm)!;
  return {
    // eslint-disable-next-line require-yield
    *account_shadowed(kvm: Kvm, sp: number): KGen<void> {
      of(kvm).add(sp);
    },
    *mmu_set_spte(kvm: Kvm, slot: number, sptep: number, writable: boolean, gfn: number, pfn: number): KGen<number> {
      const ret = yield* base.mmu_set_spte(kvm, slot, sptep, writable, gfn, pfn);
      const sp = kvm.mem.objectAt(sptep)!.tag;
      if (of(kvm).delete(sp)) yield* base.account_shadowed(kvm, sp);
      return ret;
    },
  };
};
