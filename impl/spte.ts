/**
 * spte primitives, arch/x86/kvm/mmu.c v3.10 (x86-64 variants).
 * Each access to *sptep is one atomic step; the fast clear is a load then a
 * separate store, the slow clear a single xchg.
 */
import { type KGen, load, store, warn, xchg } from "../runtime/step";
import { setPfnAccessed, setPfnDirty } from "./steps";
import type { Kvm } from "./kvm";
import {
  is_rmap_spte,
  is_shadow_present_pte,
  is_writable_pte,
  shadow_accessed_mask,
  shadow_dirty_mask,
  spte_has_volatile_bits,
  spte_is_bit_cleared,
  spte_to_pfn,
} from "./spte_bits";

/** __set_spte: a plain store. */
export function* __set_spte(kvm: Kvm, sptep: number, spte: number, who: string): KGen<void> {
  yield store(sptep, "spt", spte, `${who}: store *sptep`);
}

/** __update_clear_spte_fast: a plain store. */
export function* __update_clear_spte_fast(kvm: Kvm, sptep: number, spte: number, who: string): KGen<void> {
  yield store(sptep, "spt", spte, `${who}: store *sptep (fast)`);
}

/** __update_clear_spte_slow: xchg, returns the old value. */
export function* __update_clear_spte_slow(kvm: Kvm, sptep: number, spte: number, who: string): KGen<number> {
  return yield xchg(sptep, "spt", spte, `${who}: xchg *sptep (slow)`);
}

/** kvm_set_pfn_accessed: mark_page_accessed on the host page. */
export function* kvm_set_pfn_accessed(kvm: Kvm, pfn: number): KGen<void> {
  yield setPfnAccessed(pfn);
}

/** kvm_set_pfn_dirty: SetPageDirty on the host page. */
export function* kvm_set_pfn_dirty(kvm: Kvm, pfn: number): KGen<void> {
  yield setPfnDirty(pfn);
}

/** mmu_spte_set: non-present -> present only; WARNs if the old value is present. */
export function* mmu_spte_set(kvm: Kvm, sptep: number, new_spte: number): KGen<void> {
  const old = yield load(sptep, "spt", "mmu_spte_set: load *sptep");
  if (is_shadow_present_pte(old)) yield warn("mmu_spte_set: WARN_ON(is_shadow_present_pte(*sptep))");
  yield* kvm.sym.__set_spte(kvm, sptep, new_spte, "mmu_spte_set");
}

/**
 * mmu_spte_update: present -> present with the same pfn. Returns true when a
 * writable spte became read-only (the caller must flush TLBs). A spte that
 * hardware or lockless code may change is updated with xchg, and the A/D bits
 * the update clears (including ones set after the load) reach the pfn.
 * (v3.10; the pre-3.6 variant kept D and took the fast path when the new
 * value kept A, which loses a D set by hardware after fast_page_fault.)
 */
export function* mmu_spte_update(kvm: Kvm, sptep: number, new_spte: number): KGen<boolean> {
  let old_spte = yield load(sptep, "spt", "mmu_spte_update: load *sptep");
  let ret = false;
  if (!is_rmap_spte(new_spte)) yield warn("mmu_spte_update: WARN_ON(!is_rmap_spte(new_spte))");
  if (!is_shadow_present_pte(old_spte)) {
    yield* kvm.sym.mmu_spte_set(kvm, sptep, new_spte);
    return ret;
  }
  if (!kvm.sym.spte_has_volatile_bits(kvm, old_spte)) {
    yield* kvm.sym.__update_clear_spte_fast(kvm, sptep, new_spte, "mmu_spte_update");
  } else {
    old_spte = yield* kvm.sym.__update_clear_spte_slow(kvm, sptep, new_spte, "mmu_spte_update");
  }
  if (is_writable_pte(old_spte) && !is_writable_pte(new_spte)) ret = true;
  const A = shadow_accessed_mask(kvm);
  if (!A) return ret;
  if (spte_is_bit_cleared(old_spte, new_spte, A)) yield* kvm.sym.kvm_set_pfn_accessed(kvm, spte_to_pfn(old_spte));
  if (spte_is_bit_cleared(old_spte, new_spte, shadow_dirty_mask(kvm))) yield* kvm.sym.kvm_set_pfn_dirty(kvm, spte_to_pfn(old_spte));
  return ret;
}

/**
 * mmu_spte_clear_track_bits: set a leaf spte to 0 and propagate its A/D state
 * to the pfn. Returns 1 iff this call observed the spte present (the winner
 * rule of the series rests on this return value).
 */
export function* mmu_spte_clear_track_bits(kvm: Kvm, sptep: number): KGen<number> {
  let old_spte = yield load(sptep, "spt", "mmu_spte_clear_track_bits: load *sptep");
  if (!kvm.sym.spte_has_volatile_bits(kvm, old_spte)) {
    yield* kvm.sym.__update_clear_spte_fast(kvm, sptep, 0, "mmu_spte_clear_track_bits");
  } else {
    old_spte = yield* kvm.sym.__update_clear_spte_slow(kvm, sptep, 0, "mmu_spte_clear_track_bits");
  }
  if (!is_rmap_spte(old_spte)) return 0;
  // WARN_ON(!kvm_is_mmio_pfn(pfn) && !page_count(pfn_to_page(pfn))): host pages are never freed here.
  yield* kvm.sym.__mmu_spte_track_bits(kvm, old_spte);
  return 1;
}

/**
 * The tail of mmu_spte_clear_track_bits: tell the host page what the cleared
 * spte recorded (A, and D; both when the MMU has no A/D bits). DEVIATION: a
 * function of its own (inline in the kernel) so that a mutant can replace it alone.
 */
export function* __mmu_spte_track_bits(kvm: Kvm, old_spte: number): KGen<void> {
  const pfn = spte_to_pfn(old_spte);
  const A = shadow_accessed_mask(kvm);
  const D = shadow_dirty_mask(kvm);
  if (!A || old_spte & A) yield* kvm.sym.kvm_set_pfn_accessed(kvm, pfn);
  if (!D || old_spte & D) yield* kvm.sym.kvm_set_pfn_dirty(kvm, pfn);
}

/** mmu_spte_clear_no_track: clear without A/D propagation (non-leaf and MMIO sptes). */
export function* mmu_spte_clear_no_track(kvm: Kvm, sptep: number): KGen<void> {
  yield* kvm.sym.__update_clear_spte_fast(kvm, sptep, 0, "mmu_spte_clear_no_track");
}

export { spte_has_volatile_bits };
