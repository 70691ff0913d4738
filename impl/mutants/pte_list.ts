/** Mutants of the pte-list code (spec §5 M10 and neighbours), each replacing one small symbol of impl/pte_list.ts. */
import { type KGen, load } from "../../runtime/step";
import type { Kvm } from "../kvm";
import { desc_spte } from "../pte_list";
import type { Overrides } from "../symbols";

/** no-backfill: removal NULLs entry i and moves nothing into it (a hole in the packed prefix; i = 0 unlinks the desc). */
export const remove_entry_no_backfill: Overrides = () => ({
  *pte_list_desc_last_entry(kvm: Kvm, desc: number, i: number): KGen<{ j: number; moved: number }> {
    return { j: i, moved: 0 };
  },
});

/** remove-j-off-by-one: the back-fill scan starts at PTE_LIST_EXT - 2, never looking at the last entry. */
export const remove_entry_off_by_one: Overrides = () => ({
  *pte_list_desc_last_entry(kvm: Kvm, desc: number, i: number): KGen<{ j: number; moved: number }> {
    let j = Math.max(kvm.cfg.PTE_LIST_EXT - 2, i);
    for (;;) {
      const moved = yield load(desc_spte(desc, j), "pte_list_desc", `pte_list_desc_remove_entry: load desc->sptes[${j}]`);
      if (moved || j <= i) return { j, moved };
      --j;
    }
  },
});

/** desc-freed-before-unlink: an emptied desc is freed before the head or prev_desc->more stops pointing at it. */
export const remove_entry_free_before_unlink: Overrides = (base) => ({
  *pte_list_desc_unlink(kvm: Kvm, pte_list: number, desc: number, prev_desc: number): KGen<void> {
    yield* kvm.sym.mmu_free_pte_list_desc(kvm, desc);
    yield* base.pte_list_desc_unlink(kvm, pte_list, desc, prev_desc);
  },
});

/** head-tag-missing: a desc pointer is stored in the head without bit 0. */
export const pte_list_add_no_tag: Overrides = () => ({
  desc_to_rmap_head: (kvm: Kvm, desc: number): number => desc,
});

/** add-overruns-desc: pte_list_add never sees a desc as full, so it writes past a full desc's sptes[] (into `more` and beyond). */
export const pte_list_add_overrun: Overrides = () => ({
  *pte_list_desc_is_full(): KGen<boolean> {
    return false;
  },
});
