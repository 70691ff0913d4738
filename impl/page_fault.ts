/**
 * The vCPU page-fault path, reduced to what reaches the rmap layer
 * (tdp_page_fault -> __direct_map -> mmu_set_spte -> rmap_add, mmu.c v3.10).
 *
 * The translation gfn -> slot -> pfn happens inside an SRCU read section and
 * fails for a slot marked KVM_MEMSLOT_INVALID (__gfn_to_hva_many returns
 * KVM_HVA_ERR_BAD). The spte is then set and its rmap entry added under mmu_lock.
 * DEVIATION: mmu_notifier_seq retry, prefetch and rmap_recycle are not simulated.
 */
import { type KGen, load, spinLock, spinUnlock, srcuReadLock, srcuReadUnlock } from "../runtime/step";
import { flushRemoteTlbs } from "./steps";
import { fieldOf, type Kvm, KVM_MEMSLOT_INVALID, MEMSLOT } from "./kvm";
import { KVM_HPAGE_GFN_SHIFT, slot_field } from "./memslot";
import { sp_spt } from "./mmu_page";
import {
  is_shadow_present_pte,
  PAGE_SHIFT,
  PT_PAGE_SIZE_MASK,
  PT_PRESENT_MASK,
  PT_WRITABLE_MASK,
  shadow_accessed_mask,
  SPTE_HOST_WRITEABLE,
  SPTE_MMU_WRITEABLE,
  spte_to_pfn,
} from "./spte_bits";

/** The host page behind a gfn of a slot: hva_to_pfn(gfn_to_hva(slot, gfn)). DEVIATION: pfn = hva + 0x100. */
export function gfn_to_pfn_memslot(kvm: Kvm, slot: number, gfn: number): number {
  return slot_field(kvm, slot, MEMSLOT.userspace_addr) + (gfn - slot_field(kvm, slot, MEMSLOT.base_gfn)) + 0x100;
}

/**
 * __gfn_to_hva_many's validity test, as gfn_to_pfn reaches it: no slot, or a
 * slot marked KVM_MEMSLOT_INVALID (being deleted), gives KVM_HVA_ERR_BAD.
 * Returns whether the translation may go on.
 */
export function* __gfn_to_hva_many(kvm: Kvm, slot: number): KGen<boolean> {
  if (!slot) return false;
  const flags = yield load(fieldOf(slot, MEMSLOT.flags), "memslot", "__gfn_to_hva_many: load slot->flags");
  return !(flags & KVM_MEMSLOT_INVALID);
}

/**
 * mapping_level: the largest level <= max_level whose aligned region lies
 * inside the slot (what lpage_info's write_count = 1 on unaligned head and
 * tail pages enforces in kvm_arch_create_memslot).
 */
export function mapping_level(kvm: Kvm, slot: number, gfn: number, max_level: number): number {
  const base = slot_field(kvm, slot, MEMSLOT.base_gfn);
  const npages = slot_field(kvm, slot, MEMSLOT.npages);
  for (let level = max_level; level > 1; level--) {
    const size = 1 << KVM_HPAGE_GFN_SHIFT(kvm, level);
    const start = gfn & ~(size - 1);
    if (start >= base && start + size <= base + npages) return level;
  }
  return 1;
}

export interface FaultResult {
  /** false when the translation failed (no slot, or the slot is invalid). */
  mapped: boolean;
  sptep: number;
  /** rmap_add's return value (-1 when no entry was added because the spte was already mapped). */
  rmap_count: number;
}

/**
 * set_spte + mmu_set_spte: install a present leaf spte for pfn, replacing a
 * spte that maps another pfn; add the rmap entry unless it was already there.
 */
export function* mmu_set_spte(kvm: Kvm, sptep: number, level: number, pfn: number, writable: boolean, gfn: number): KGen<number> {
  let was_rmapped = false;
  const old = yield load(sptep, "spt", "mmu_set_spte: load *sptep");
  if (is_shadow_present_pte(old)) {
    if (spte_to_pfn(old) !== pfn) {
      yield* kvm.sym.drop_spte(kvm, sptep);
      yield flushRemoteTlbs("mmu_set_spte: kvm_flush_remote_tlbs");
    } else was_rmapped = true;
  }
  let spte = PT_PRESENT_MASK | (pfn << PAGE_SHIFT) | shadow_accessed_mask(kvm);
  if (level > 1) spte |= PT_PAGE_SIZE_MASK;
  if (writable) spte |= SPTE_HOST_WRITEABLE | PT_WRITABLE_MASK | SPTE_MMU_WRITEABLE;
  // set_spte: a writable spte that became read-only may still be cached writable.
  if (yield* kvm.sym.mmu_spte_update(kvm, sptep, spte)) yield flushRemoteTlbs("set_spte: kvm_flush_remote_tlbs");
  if (was_rmapped) return -1;
  return yield* kvm.sym.rmap_add(kvm, sptep, gfn);
}

/**
 * A vCPU fault on gfn that wants a mapping of at most `max_level`, writable
 * if `write` (the host page is writable iff `write`), through the shadow
 * pages of `quadrant` (see impl/mmu_page.ts).
 */
export function* kvm_mmu_page_fault(kvm: Kvm, gfn: number, max_level: number, write: boolean, quadrant: number): KGen<FaultResult> {
  yield srcuReadLock("kvm_mmu_page_fault: srcu_read_lock");
  const slot = yield* kvm.sym.gfn_to_memslot(kvm, gfn);
  if (!(yield* kvm.sym.__gfn_to_hva_many(kvm, slot))) {
    yield srcuReadUnlock("kvm_mmu_page_fault: srcu_read_unlock");
    return { mapped: false, sptep: 0, rmap_count: -1 };
  }
  const level = mapping_level(kvm, slot, gfn, max_level);
  const shift = KVM_HPAGE_GFN_SHIFT(kvm, level);
  const lgfn = gfn & ~((1 << shift) - 1);
  const pfn = gfn_to_pfn_memslot(kvm, slot, lgfn);
  yield spinLock("__direct_map: spin_lock(mmu_lock)");
  const span = kvm.cfg.sptesPerPage << shift;
  const sp = yield* kvm.sym.kvm_mmu_get_page(kvm, gfn & ~(span - 1), level, quadrant);
  const index = (lgfn - (gfn & ~(span - 1))) >> shift;
  const sptep = sp_spt(kvm, sp) + index * 8;
  const rmap_count = yield* kvm.sym.mmu_set_spte(kvm, sptep, level, pfn, write, lgfn);
  yield spinUnlock("__direct_map: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("kvm_mmu_page_fault: srcu_read_unlock");
  return { mapped: true, sptep, rmap_count };
}
