/**
 * Writing sptes (mmu.c, 6.15, x86-64 variants): each access to *sptep is one
 * atomic step. mmu_spte_update and mmu_spte_clear_track_bits read the spte,
 * then either store (a plain WRITE_ONCE, __update_clear_spte_fast) or xchg
 * (__update_clear_spte_slow) as spte_needs_atomic_update says; the lockless
 * paths use the atomic bit operations and cmpxchg below.
 */
import { cmpxchg, type KGen, load, lockAnd, store, warn, xchg } from "../../runtime/step";
import { KIND, type Kvm } from "./kvm";
import { is_shadow_present_pte, leaf_spte_change_needs_tlb_flush, SHADOW_NONPRESENT_VALUE, spte_to_pfn } from "./spte_bits";

/** __set_spte: a plain store. */
export function* __set_spte(kvm: Kvm, sptep: number, spte: number, who: string): KGen<void> {
  yield store(sptep, KIND.spt, spte, `${who}: __set_spte: WRITE_ONCE(*sptep, spte)`);
}

/** __update_clear_spte_fast: a plain store. */
export function* __update_clear_spte_fast(kvm: Kvm, sptep: number, spte: number, who: string): KGen<void> {
  yield store(sptep, KIND.spt, spte, `${who}: __update_clear_spte_fast: WRITE_ONCE(*sptep, spte)`);
}

/** __update_clear_spte_slow: xchg, returns the old value. */
export function* __update_clear_spte_slow(kvm: Kvm, sptep: number, spte: number, who: string): KGen<number> {
  return yield xchg(sptep, KIND.spt, spte, `${who}: __update_clear_spte_slow: xchg(sptep, spte)`);
}

/** mmu_spte_set: non-present -> present only. */
export function* mmu_spte_set(kvm: Kvm, sptep: number, new_spte: number): KGen<void> {
  const cur = yield load(sptep, KIND.spt, "mmu_spte_set: load *sptep");
  if (is_shadow_present_pte(cur)) yield warn("mmu_spte_set: WARN_ON_ONCE(is_shadow_present_pte(*sptep))");
  yield* kvm.sym.__set_spte(kvm, sptep, new_spte, "mmu_spte_set");
}

/**
 * mmu_spte_update: update the state bits of a leaf spte, same pfn. Returns
 * whether remote TLBs must be flushed (leaf_spte_change_needs_tlb_flush of the
 * value it read, or that the xchg returned).
 */
export function* mmu_spte_update(kvm: Kvm, sptep: number, new_spte: number): KGen<boolean> {
  let old_spte = yield load(sptep, KIND.spt, "mmu_spte_update: load *sptep");
  if (!is_shadow_present_pte(new_spte)) yield warn("mmu_spte_update: WARN_ON_ONCE(!is_shadow_present_pte(new_spte))");
  if (!is_shadow_present_pte(old_spte)) {
    yield* kvm.sym.mmu_spte_set(kvm, sptep, new_spte);
    return false;
  }
  if (!kvm.sym.spte_needs_atomic_update(old_spte)) yield* kvm.sym.__update_clear_spte_fast(kvm, sptep, new_spte, "mmu_spte_update");
  else old_spte = yield* kvm.sym.__update_clear_spte_slow(kvm, sptep, new_spte, "mmu_spte_update");
  if (!is_shadow_present_pte(old_spte) || spte_to_pfn(old_spte) !== spte_to_pfn(new_spte)) {
    yield warn("mmu_spte_update: WARN_ON_ONCE(!is_shadow_present_pte(old_spte) || pfn changed)");
  }
  return leaf_spte_change_needs_tlb_flush(old_spte, new_spte);
}

/** mmu_spte_clear_track_bits: present -> SHADOW_NONPRESENT_VALUE; returns the old value. */
export function* mmu_spte_clear_track_bits(kvm: Kvm, sptep: number): KGen<number> {
  let old_spte = yield load(sptep, KIND.spt, "mmu_spte_clear_track_bits: load *sptep");
  if (!is_shadow_present_pte(old_spte) || !kvm.sym.spte_needs_atomic_update(old_spte)) {
    yield* kvm.sym.__update_clear_spte_fast(kvm, sptep, SHADOW_NONPRESENT_VALUE, "mmu_spte_clear_track_bits");
  } else {
    old_spte = yield* kvm.sym.__update_clear_spte_slow(kvm, sptep, SHADOW_NONPRESENT_VALUE, "mmu_spte_clear_track_bits");
  }
  return old_spte;
}

/** mmu_spte_get_lockless: READ_ONCE(*sptep) on 64-bit. */
export function* mmu_spte_get_lockless(kvm: Kvm, sptep: number): KGen<number> {
  return yield load(sptep, KIND.spt, "mmu_spte_get_lockless: READ_ONCE(*sptep)");
}

/** clear_bit(nr, (unsigned long *)sptep): LOCK AND, one step. */
export function* clear_bit(kvm: Kvm, nr: number, sptep: number, who: string): KGen<void> {
  yield lockAnd(sptep, KIND.spt, ~(1 << nr), `${who}: clear_bit(${nr}, sptep)`);
}

/** test_and_clear_bit(nr, (unsigned long *)sptep): LOCK BTR, one step; whether the bit was set. */
export function* test_and_clear_bit(kvm: Kvm, nr: number, sptep: number, who: string): KGen<boolean> {
  return ((yield lockAnd(sptep, KIND.spt, ~(1 << nr), `${who}: test_and_clear_bit(${nr}, sptep)`)) & (1 << nr)) !== 0;
}

/** cmpxchg64(sptep, old, new): LOCK CMPXCHG, one step; returns the value found. */
export function* cmpxchg64(kvm: Kvm, sptep: number, old: number, new_spte: number, who: string): KGen<number> {
  return yield cmpxchg(sptep, KIND.spt, old, new_spte, `${who}: cmpxchg64(sptep, spte, new_spte)`);
}
