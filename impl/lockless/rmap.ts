/**
 * gfn -> rmap, and adding and dropping one spte's rmap entry (mmu.c, 6.15).
 * Fields that never change once a memslot or shadow page is set up are read
 * without a scheduling point (liveness is still checked).
 */
import type { KGen } from "../../runtime/step";
import { WORD_BYTES } from "../../runtime/memory";
import { fixed_field, gfn_to_index, KIND, type Kvm, MEMSLOT, MMU_PAGE } from "./kvm";
import { kvm_flush_remote_tlbs } from "./steps";
import { is_shadow_present_pte } from "./spte_bits";

/** gfn_to_rmap(gfn, level, slot): &slot->arch.rmap[level - PG_LEVEL_4K][gfn_to_index(gfn, slot->base_gfn, level)] */
export function gfn_to_rmap(kvm: Kvm, gfn: number, level: number, slot: number): number {
  const idx = gfn_to_index(kvm, gfn, fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot), level);
  return fixed_field(kvm, slot, MEMSLOT.rmap0 + level - 1, KIND.memslot) + idx * WORD_BYTES;
}

/** sptep_to_sp: the kvm_mmu_page whose spt holds sptep (the spt object is tagged with it). */
export function sptep_to_sp(kvm: Kvm, sptep: number): number {
  kvm.mem.check(sptep, KIND.spt, "sptep_to_sp");
  return kvm.mem.objectAt(sptep)!.tag;
}

/** spte_index(sptep) */
export function spte_index(kvm: Kvm, sptep: number): number {
  return (sptep - kvm.mem.objectAt(sptep)!.base) / WORD_BYTES;
}

export const sp_field = (kvm: Kvm, sp: number, off: number): number => fixed_field(kvm, sp, off, KIND.mmuPage);

/** kvm_mmu_page_get_gfn for a direct or passthrough page: sp->gfn + (index << level shift). */
export function kvm_mmu_page_get_gfn(kvm: Kvm, sp: number, index: number): number {
  return sp_field(kvm, sp, MMU_PAGE.gfn) + index * (1 << ((sp_field(kvm, sp, MMU_PAGE.level) - 1) * kvm.cfg.levelShift));
}

/**
 * rmap_add / __rmap_add: add the entry; an rmap longer than
 * RMAP_RECYCLE_THRESHOLD is zapped whole and the gfn flushed. Returns
 * pte_list_add's count.
 */
export function* rmap_add(kvm: Kvm, slot: number, spte: number, gfn: number): KGen<number> {
  const sp = sptep_to_sp(kvm, spte);
  const rmap_head = kvm.sym.gfn_to_rmap(kvm, gfn, sp_field(kvm, sp, MMU_PAGE.level), slot);
  const rmap_count = yield* kvm.sym.pte_list_add(kvm, spte, rmap_head);
  if (rmap_count > kvm.cfg.RMAP_RECYCLE_THRESHOLD) {
    yield* kvm.sym.kvm_zap_all_rmap_sptes(kvm, rmap_head);
    yield kvm_flush_remote_tlbs("__rmap_add");
  }
  return rmap_count;
}

/** rmap_remove: the entry of spte, found through its page's gfn and level. */
export function* rmap_remove(kvm: Kvm, spte: number): KGen<void> {
  const sp = sptep_to_sp(kvm, spte);
  const gfn = kvm_mmu_page_get_gfn(kvm, sp, spte_index(kvm, spte));
  yield* kvm.sym.pte_list_remove(kvm, spte, kvm.sym.gfn_to_rmap(kvm, gfn, sp_field(kvm, sp, MMU_PAGE.level), kvm.slot));
}

/** drop_spte: clear the spte first, then remove its rmap entry ("KVM drops/zaps SPTEs before deleting the rmap entries"). */
export function* drop_spte(kvm: Kvm, sptep: number): KGen<void> {
  const old_spte = yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep);
  if (is_shadow_present_pte(old_spte)) yield* kvm.sym.rmap_remove(kvm, sptep);
}
