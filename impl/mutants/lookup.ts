/** Mutants of the gfn -> rmap lookup and of the translation checks (spec §5 M7, M8 and neighbours). */
import { type KGen } from "../../runtime/step";
import type { Kvm } from "../kvm";
import { page_header } from "../mmu_page";
import type { Overrides } from "../symbols";

/** gfn-to-index-off-by-one: __gfn_to_rmap indexes one head too far. */
export const gfn_to_rmap_off_by_one: Overrides = (base) => ({
  __gfn_to_rmap: (kvm: Kvm, gfn: number, level: number, slot: number): number => base.__gfn_to_rmap(kvm, gfn, level, slot) + 8,
});

/**
 * gfn-to-index-offset-shift: gfn_to_index shifts the offset from the base,
 * (gfn - base_gfn) >> shift, instead of subtracting the shifted base. The two
 * agree whenever the slot's base is aligned to the level's span: only a slot
 * that starts inside a large page tells them apart.
 */
export const gfn_to_index_offset_shift: Overrides = () => ({
  gfn_to_index: (kvm: Kvm, gfn: number, base_gfn: number, level: number): number => (gfn - base_gfn) >> ((level - 1) * kvm.cfg.levelShift),
});

/** rmap-add-wrong-level: rmap_add files every spte in the level-1 rmap instead of sp->role.level's. */
export const rmap_add_level1: Overrides = () => ({
  *rmap_add(kvm: Kvm, spte: number, gfn: number): KGen<number> {
    page_header(kvm, spte);
    const { slot, rmapp } = yield* kvm.sym.gfn_to_rmap(kvm, gfn, 1);
    return yield* kvm.sym.slot_rmap_add(kvm, slot, spte, rmapp);
  },
});

/** hva-range-misses-last: kvm_handle_hva_range stops before idx_end at every level. */
export const handle_hva_range_short: Overrides = (base) => ({
  hva_range_rmaps: (kvm: Kvm, memslot: number, gfn_start: number, gfn_end: number, level: number): number[] =>
    base.hva_range_rmaps(kvm, memslot, gfn_start, gfn_end, level).slice(0, -1),
});

/** M7 fault-ignores-invalid-slot: the vCPU fault path translates through a slot marked KVM_MEMSLOT_INVALID. */
export const page_fault_ignores_invalid: Overrides = () => ({
  *__gfn_to_hva_many(kvm: Kvm, slot: number): KGen<boolean> {
    return slot !== 0;
  },
});

/** M8 shadow-ignores-invalid-slot: the guest walk reads a guest page table in a slot being deleted, which is then write-protected through its invalid rmaps. */
export const shadow_gfn_ignores_invalid: Overrides = () => ({
  *kvm_read_guest_page(kvm: Kvm, slot: number): KGen<boolean> {
    return slot !== 0;
  },
});
