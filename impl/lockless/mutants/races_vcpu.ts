/**
 * Mutants of the fast page fault, the dirty-log harvest, the zap and the
 * spte update rules that only an interleaving shows (issue 20), each one
 * plausible misreading of a 6.15 function (mmu.c, kvm_main.c, spte.c).
 */
import { cmpxchg, free, type KGen, load, xchg } from "../../../runtime/step";
import { fieldOf, fixed_field, gfn_in_slot, KIND, type Kvm, kvm_slot_dirty_track_enabled, MEMSLOT, MMU_PAGE } from "../kvm";
import { is_mmu_writable_spte, is_shadow_present_pte, is_writable_pte, spte_ad_enabled, shadow_dirty_mask } from "../spte_bits";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "../steps";
import type { LocklessOverrides } from "../symbols";

/**
 * fast-pf-retry-stale: when fast_pf_fix_direct_spte's try_cmpxchg64 fails, it
 * retries with the old_spte the failed cmpxchg wrote back but the new_spte
 * computed from the first snapshot, instead of going round fast_page_fault's
 * loop (re-read, recompute): a stale-snapshot restore. A write protection
 * between the read and the cmpxchg is undone (W and MMU-writable granted).
 */
export const fast_pf_retry_stale: LocklessOverrides = () => ({
  *fast_pf_fix_direct_spte(kvm: Kvm, gfn: number, sptep: number, old_spte: number, new_spte: number, slot: number): KGen<boolean> {
    let cur = old_spte;
    for (let tries = 0; tries < 2; tries++) {
      const found = yield cmpxchg(sptep, KIND.spt, cur, new_spte, "fast_pf_fix_direct_spte: try_cmpxchg64(sptep, &old_spte, new_spte)");
      if (found === cur) {
        if (is_writable_pte(new_spte) && !is_writable_pte(old_spte)) yield* kvm.sym.mark_page_dirty_in_slot(kvm, slot, gfn);
        return true;
      }
      if (!is_shadow_present_pte(found)) return false;
      cur = found;
    }
    return false;
  },
});

/**
 * fast-pf-marks-dirty-first: fast_pf_fix_direct_spte marks the page dirty
 * before its cmpxchg instead of after it: a dirty-log harvest in between takes
 * the bit, finds the spte still read-only and leaves it, and the cmpxchg then
 * makes it writable with the bitmap clear (a write the next harvest misses).
 */
export const fast_pf_marks_dirty_first: LocklessOverrides = () => ({
  *fast_pf_fix_direct_spte(kvm: Kvm, gfn: number, sptep: number, old_spte: number, new_spte: number, slot: number): KGen<boolean> {
    if (is_writable_pte(new_spte) && !is_writable_pte(old_spte)) yield* kvm.sym.mark_page_dirty_in_slot(kvm, slot, gfn);
    return (yield cmpxchg(sptep, KIND.spt, old_spte, new_spte, "fast_pf_fix_direct_spte: try_cmpxchg64(sptep, &old_spte, new_spte)")) === old_spte;
  },
});

/**
 * dirty-log-protect-before-xchg: kvm_get_dirty_log_protect re-protects the
 * page before it takes the bitmap word (the kernel: `mask = xchg(...)`, then
 * kvm_arch_mmu_enable_log_dirty_pt_masked). A fast page fault between the
 * two makes the spte writable and sets the bit the xchg then takes: the
 * page stays writable with its bit harvested.
 */
export const dirty_log_protect_before_xchg: LocklessOverrides = () => ({
  *kvm_get_dirty_log_protect(kvm: Kvm, slot: number, gfn: number): KGen<number> {
    if (!kvm_slot_dirty_track_enabled(kvm, slot) || !gfn_in_slot(kvm, gfn)) return 0;
    const bitmap = fixed_field(kvm, slot, MEMSLOT.dirty_bitmap, KIND.memslot);
    const word = fieldOf(bitmap, gfn - fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot));
    yield write_lock("kvm_get_dirty_log_protect");
    let mask = 0;
    if (yield load(word, KIND.dirtyBitmap, "kvm_get_dirty_log_protect: load dirty_bitmap[i]")) {
      yield* kvm.sym.kvm_arch_mmu_enable_log_dirty_pt_masked(kvm, slot, gfn);
      mask = yield xchg(word, KIND.dirtyBitmap, 0, "kvm_get_dirty_log_protect: mask = xchg(&dirty_bitmap[i], 0) (after protecting)");
    }
    yield write_unlock("kvm_get_dirty_log_protect");
    if (mask) yield kvm_flush_remote_tlbs("kvm_get_dirty_log_protect");
    return mask ? 1 : 0;
  },
});

/**
 * zap-frees-before-flush: kvm_mmu_commit_zap_page frees the zapped pages
 * before kvm_flush_remote_tlbs, whose wait for lockless page-table walkers
 * (walk_shadow_page_lockless_begin/end) is what keeps a fast page fault's
 * sptep alive.
 */
export const zap_frees_before_flush: LocklessOverrides = () => ({
  *kvm_mmu_commit_zap_page(kvm: Kvm, invalid_list: number[]): KGen<void> {
    if (invalid_list.length === 0) return;
    for (const sp of invalid_list.splice(0)) {
      yield free(fixed_field(kvm, sp, MMU_PAGE.spt, KIND.mmuPage), KIND.spt, "kvm_mmu_free_shadow_page: free_page(sp->spt) (before the flush)");
      yield free(sp, KIND.mmuPage, "kvm_mmu_free_shadow_page: kmem_cache_free(sp) (before the flush)");
    }
    yield kvm_flush_remote_tlbs("kvm_mmu_commit_zap_page");
  },
});

/**
 * atomic-ignores-fast-pf: spte_needs_atomic_update drops its first rule (a
 * read-only, MMU-writable spte can be made writable by the fast page fault),
 * so a lock holder's plain store can overwrite the fast page fault's W.
 */
export const atomic_ignores_fast_pf: LocklessOverrides = () => ({
  spte_needs_atomic_update: (spte: number): boolean => !spte_ad_enabled(spte) || (is_writable_pte(spte) && !(spte & shadow_dirty_mask)),
});

/**
 * update-checks-new-spte: mmu_spte_update asks spte_needs_atomic_update
 * about the value it writes instead of the one it read: write tracking
 * writes a read-only, not MMU-writable value, so the store is plain even
 * when the old spte was writable and clean (the CPU may set D) or read-only
 * and MMU-writable (the fast page fault may set W).
 */
export const update_checks_new_spte: LocklessOverrides = (base) => ({
  spte_needs_atomic_update: base.spte_needs_atomic_update,
  *mmu_spte_update(kvm: Kvm, sptep: number, new_spte: number): KGen<boolean> {
    const old_spte = yield load(sptep, KIND.spt, "mmu_spte_update: load *sptep");
    if (!is_shadow_present_pte(old_spte)) {
      yield* kvm.sym.mmu_spte_set(kvm, sptep, new_spte);
      return false;
    }
    if (!kvm.sym.spte_needs_atomic_update(new_spte)) yield* kvm.sym.__update_clear_spte_fast(kvm, sptep, new_spte, "mmu_spte_update (atomicity of new_spte)");
    else yield* kvm.sym.__update_clear_spte_slow(kvm, sptep, new_spte, "mmu_spte_update");
    return is_mmu_writable_spte(old_spte) && !is_mmu_writable_spte(new_spte);
  },
});
