/** Mutants of the pte lists (spec §3 D1, D2), each replacing one small symbol of pte_list.ts. */
import { type KGen, store } from "../../../runtime/step";
import { KIND, type Kvm } from "../kvm";
import { desc_tail_count, type RmapVal } from "../pte_list";
import { KVM_RMAP_MANY } from "../rmap_lock";
import type { LocklessOverrides } from "../symbols";

/** new-head-tail-count-zero: a new head desc counts no entries behind it. */
export const new_head_tail_count_zero: LocklessOverrides = (base) => ({
  *pte_list_desc_new_head(kvm: Kvm, old_head: number, count: number): KGen<number> {
    const desc = yield* base.pte_list_desc_new_head(kvm, old_head, count);
    yield store(desc_tail_count(desc), KIND.desc, 0, "pte_list_add: desc->tail_count = 0");
    return desc;
  },
});

/** full-head-reused: pte_list_add puts the new entry into the full head desc instead of a new head (overwriting sptes[0]). */
export const full_head_reused: LocklessOverrides = () => ({
  *pte_list_desc_new_head(kvm: Kvm, old_head: number): KGen<number> {
    return old_head;
  },
});

/** drop-head-forgets-more: when the head desc empties, the rmap is emptied instead of pointing at the next desc. */
export const drop_head_forgets_more: LocklessOverrides = (base) => ({
  *pte_list_desc_drop_head(kvm: Kvm, rmap_val: RmapVal, head_desc: number): KGen<void> {
    yield* base.pte_list_desc_drop_head(kvm, rmap_val, head_desc);
    rmap_val.v = 0;
  },
});

/**
 * remove-backfills-within-desc: the hole is filled from the last entry of the
 * same desc, as before 141705b78381, so tail descs stop being full and an
 * emptied tail desc is freed while still linked.
 */
export const remove_backfills_within_desc: LocklessOverrides = (base) => ({
  *pte_list_desc_remove_entry(kvm: Kvm, rmap_val: RmapVal, desc: number, i: number): KGen<void> {
    const own: RmapVal = { v: desc | KVM_RMAP_MANY };
    yield* base.pte_list_desc_remove_entry(kvm, own, desc, i);
    if (desc === (rmap_val.v & ~KVM_RMAP_MANY)) rmap_val.v = own.v;
  },
});
