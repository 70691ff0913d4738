/**
 * The slot-wide rmap walks of a dirty-logging flags change (mmu.c 6.15), each
 * under mmu_lock for write, over walk_slot_rmaps = __walk_slot_rmaps over
 * [slot->base_gfn, slot->base_gfn + npages - 1] with can_yield: after each
 * rmap it visits, the walk may break mmu_lock (cond_resched_rwlock_write;
 * zap.ts __walk_slot_rmaps takes the break after every visit), and the lockless
 * agers, fast page faults and other mmu_lock users run in the break.
 *
 *   kvm_mmu_slot_remove_write_access  walk_slot_rmaps(slot_rmap_write_protect,
 *                                     start_level..KVM_MAX_HUGEPAGE_LEVEL,
 *                                     flush_on_yield=false): W cleared, MMU-writable kept
 *   kvm_mmu_slot_leaf_clear_dirty     (PML) walk_slot_rmaps_4k(__rmap_clear_dirty, false)
 *   kvm_mmu_recover_huge_pages        kvm_rmap_zap_collapsible_sptes: walk_slot_rmaps(
 *                                     kvm_mmu_zap_collapsible_spte, 4K..MAX-1, flush_on_yield=true),
 *                                     then kvm_flush_remote_tlbs_memslot if it zapped
 *
 * Each first asks kvm_memslots_have_rmaps; the TDP MMU's part
 * (kvm_tdp_mmu_wrprot_slot, kvm_tdp_mmu_clear_dirty_slot,
 * kvm_tdp_mmu_recover_huge_pages, under mmu_lock for read) is not simulated:
 * the stub's sptes have no W or D bit and map 4K only.
 */
import type { KGen } from "../../runtime/step";
import { fixed_field, KIND, type Kvm, MEMSLOT, MMU_PAGE, PG_LEVEL_4K } from "./kvm";
import { kvm_mmu_max_mapping_level } from "./page_fault";
import { sp_field, sptep_to_sp } from "./rmap";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";

/** walk_slot_rmaps(kvm, slot, fn, start_level, end_level, flush_on_yield): the whole slot, can_yield. */
export function* walk_slot_rmaps(
  kvm: Kvm,
  slot: number,
  fn: (kvm: Kvm, rmap_head: number, slot: number) => KGen<boolean>,
  start_level: number,
  end_level: number,
  flush_on_yield: boolean,
): KGen<boolean> {
  const base = fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot);
  const end = base + fixed_field(kvm, slot, MEMSLOT.npages, KIND.memslot) - 1;
  return yield* kvm.sym.__walk_slot_rmaps(kvm, slot, fn, start_level, end_level, base, end, false, true, flush_on_yield);
}

/** slot_rmap_write_protect: a slot_rmaps_handler; rmap_write_protect(rmap_head, false) (W only). */
export function* slot_rmap_write_protect(kvm: Kvm, rmap_head: number, _slot: number): KGen<boolean> {
  return yield* kvm.sym.rmap_write_protect(kvm, rmap_head, false);
}

/** kvm_mmu_slot_remove_write_access(kvm, memslot, start_level). */
export function* kvm_mmu_slot_remove_write_access(kvm: Kvm, memslot: number, start_level: number): KGen<void> {
  if (!(yield* kvm.sym.kvm_memslots_have_rmaps(kvm))) return;
  yield write_lock("kvm_mmu_slot_remove_write_access");
  yield* kvm.sym.walk_slot_rmaps(kvm, memslot, kvm.sym.slot_rmap_write_protect, start_level, kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL, false);
  yield write_unlock("kvm_mmu_slot_remove_write_access");
}

/** __rmap_clear_dirty as a slot_rmaps_handler. */
function* slot_rmap_clear_dirty(kvm: Kvm, rmap_head: number, _slot: number): KGen<boolean> {
  return yield* kvm.sym.__rmap_clear_dirty(kvm, rmap_head);
}

/** kvm_mmu_slot_leaf_clear_dirty (PML): clear D (W where A/D is off) on the 4K sptes; the caller flushes. */
export function* kvm_mmu_slot_leaf_clear_dirty(kvm: Kvm, memslot: number): KGen<void> {
  if (!(yield* kvm.sym.kvm_memslots_have_rmaps(kvm))) return;
  yield write_lock("kvm_mmu_slot_leaf_clear_dirty");
  yield* kvm.sym.walk_slot_rmaps(kvm, memslot, slot_rmap_clear_dirty, PG_LEVEL_4K, PG_LEVEL_4K, false);
  yield write_unlock("kvm_mmu_slot_leaf_clear_dirty");
}

/** kvm_zap_one_rmap_spte: mmu_spte_clear_track_bits, then pte_list_remove. */
export function* kvm_zap_one_rmap_spte(kvm: Kvm, rmap_head: number, sptep: number): KGen<void> {
  yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep);
  yield* kvm.sym.pte_list_remove(kvm, sptep, rmap_head);
}

/**
 * kvm_mmu_zap_collapsible_spte: zap each spte of a direct page whose level is
 * below kvm_mmu_max_mapping_level(kvm, slot, sp->gfn) (the page's region could
 * be one huge mapping), restarting the walk after each zap (`goto restart`:
 * the zap changed the list under the iterator). Indirect pages are never
 * collapsible. Returns need_tlb_flush. DEVIATION:
 * kvm_available_flush_remote_tlbs_range() is false (need_tlb_flush instead of
 * a ranged flush per zap).
 */
export function* kvm_mmu_zap_collapsible_spte(kvm: Kvm, rmap_head: number, slot: number): KGen<boolean> {
  let need_tlb_flush = false;
  for (let restart = true; restart; ) {
    restart = false;
    yield* kvm.sym.for_each_rmap_spte(kvm, rmap_head, function* (sptep) {
      const sp = sptep_to_sp(kvm, sptep);
      if (!sp_field(kvm, sp, MMU_PAGE.direct)) return false;
      const level = sp_field(kvm, sp, MMU_PAGE.level);
      if (level >= kvm_mmu_max_mapping_level(kvm, slot, sp_field(kvm, sp, MMU_PAGE.gfn), kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL)) return false;
      yield* kvm.sym.kvm_zap_one_rmap_spte(kvm, rmap_head, sptep);
      need_tlb_flush = true;
      restart = true;
      return true;
    });
  }
  return need_tlb_flush;
}

/** kvm_rmap_zap_collapsible_sptes: 4K .. KVM_MAX_HUGEPAGE_LEVEL - 1, flushing on yield; then the slot's flush. */
export function* kvm_rmap_zap_collapsible_sptes(kvm: Kvm, slot: number): KGen<void> {
  const max = kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL;
  if (yield* kvm.sym.walk_slot_rmaps(kvm, slot, kvm.sym.kvm_mmu_zap_collapsible_spte, PG_LEVEL_4K, max - 1, true)) {
    yield kvm_flush_remote_tlbs("kvm_rmap_zap_collapsible_sptes: kvm_flush_remote_tlbs_memslot");
  }
}

/** kvm_mmu_recover_huge_pages(kvm, slot). */
export function* kvm_mmu_recover_huge_pages(kvm: Kvm, slot: number): KGen<void> {
  if (!(yield* kvm.sym.kvm_memslots_have_rmaps(kvm))) return;
  yield write_lock("kvm_mmu_recover_huge_pages");
  yield* kvm.sym.kvm_rmap_zap_collapsible_sptes(kvm, slot);
  yield write_unlock("kvm_mmu_recover_huge_pages");
}
