/**
 * rmap_add, rmap_remove, drop_spte (mmu.c v3.10, routed through the slot's
 * rmap operations as patch 04 does with slot_rmap_add / slot_rmap_remove).
 * The level is always sp->role.level of the page holding the spte, and the
 * gfn->slot lookup goes through the *current* memslots.
 */
import type { KGen } from "../runtime/step";
import type { Kvm } from "./kvm";
import { kvm_mmu_page_get_gfn, page_header, sp_level, spte_index } from "./mmu_page";

/** rmap_add(vcpu, spte, gfn): returns pte_list_add's count (or 0 from invalid_rmap_add). */
export function* rmap_add(kvm: Kvm, spte: number, gfn: number): KGen<number> {
  const sp = page_header(kvm, spte);
  // kvm_mmu_page_set_gfn: direct pages derive gfn from their index (nothing stored).
  const { slot, rmapp } = yield* kvm.sym.gfn_to_rmap(kvm, gfn, sp_level(kvm, sp));
  return yield* kvm.sym.slot_rmap_add(kvm, slot, spte, rmapp);
}

/** rmap_remove(kvm, spte) */
export function* rmap_remove(kvm: Kvm, spte: number): KGen<void> {
  const sp = page_header(kvm, spte);
  const gfn = kvm_mmu_page_get_gfn(kvm, sp, spte_index(kvm, sp, spte));
  const { slot, rmapp } = yield* kvm.sym.gfn_to_rmap(kvm, gfn, sp_level(kvm, sp));
  yield* kvm.sym.slot_rmap_remove(kvm, slot, spte, rmapp);
}

/**
 * drop_spte: clear the spte and remove its rmap entry, the latter only if this
 * call saw the spte present (eb45fda45f91).
 */
export function* drop_spte(kvm: Kvm, sptep: number): KGen<void> {
  if (yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep)) yield* kvm.sym.rmap_remove(kvm, sptep);
}
