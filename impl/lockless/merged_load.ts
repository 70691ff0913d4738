/**
 * The split-load question (issue 20): in C, spte_write_protect and
 * spte_clear_dirty read `*sptep` with a plain load and mmu_spte_update reads
 * it again (`u64 old_spte = *sptep;`); neither is READ_ONCE, so the compiler
 * may merge the two loads into one (inlining makes both visible to it). The
 * default symbols keep two reads (two steps); these are the merged variant,
 * run as the design `merged-one-read`: one read, and the choice between
 * WRITE_ONCE and xchg made on that same value.
 * DEVIATION: the merged functions take the value read as an argument; the
 * kernel has no such function, it is what the compiler may produce.
 */
import { type KGen, load, warn } from "../../runtime/step";
import { KIND, type Kvm } from "./kvm";
import {
  is_mmu_writable_spte,
  is_shadow_present_pte,
  is_writable_pte,
  leaf_spte_change_needs_tlb_flush,
  PT_WRITABLE_MASK,
  shadow_dirty_mask,
  shadow_mmu_writable_mask,
  spte_ad_enabled,
  spte_to_pfn,
} from "./spte_bits";

/** mmu_spte_update with its `old_spte = *sptep` merged into the caller's load of `old_spte`. */
export function* mmu_spte_update_merged(kvm: Kvm, sptep: number, old_spte: number, new_spte: number): KGen<boolean> {
  if (!is_shadow_present_pte(new_spte)) yield warn("mmu_spte_update: WARN_ON_ONCE(!is_shadow_present_pte(new_spte))");
  if (!is_shadow_present_pte(old_spte)) {
    yield* kvm.sym.mmu_spte_set(kvm, sptep, new_spte);
    return false;
  }
  if (!kvm.sym.spte_needs_atomic_update(old_spte)) yield* kvm.sym.__update_clear_spte_fast(kvm, sptep, new_spte, "mmu_spte_update (merged load)");
  else old_spte = yield* kvm.sym.__update_clear_spte_slow(kvm, sptep, new_spte, "mmu_spte_update (merged load)");
  if (!is_shadow_present_pte(old_spte) || spte_to_pfn(old_spte) !== spte_to_pfn(new_spte)) {
    yield warn("mmu_spte_update: WARN_ON_ONCE(!is_shadow_present_pte(old_spte) || pfn changed)");
  }
  return leaf_spte_change_needs_tlb_flush(old_spte, new_spte);
}

/** spte_write_protect with one load of *sptep. */
export function* spte_write_protect_merged(kvm: Kvm, sptep: number, pt_protect: boolean): KGen<boolean> {
  const old_spte = yield load(sptep, KIND.spt, "spte_write_protect: spte = *sptep (merged with mmu_spte_update's load)");
  if (!is_writable_pte(old_spte) && !(pt_protect && is_mmu_writable_spte(old_spte))) return false;
  let spte = old_spte;
  if (pt_protect) spte &= ~shadow_mmu_writable_mask;
  spte &= ~PT_WRITABLE_MASK;
  return yield* mmu_spte_update_merged(kvm, sptep, old_spte, spte);
}

/** spte_clear_dirty with one load of *sptep. */
export function* spte_clear_dirty_merged(kvm: Kvm, sptep: number): KGen<boolean> {
  const old_spte = yield load(sptep, KIND.spt, "spte_clear_dirty: spte = *sptep (merged with mmu_spte_update's load)");
  if (!spte_ad_enabled(old_spte)) yield warn("spte_clear_dirty: KVM_MMU_WARN_ON(!spte_ad_enabled(spte))");
  return yield* mmu_spte_update_merged(kvm, sptep, old_spte, old_spte & ~shadow_dirty_mask);
}
