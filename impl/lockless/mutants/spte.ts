/** Mutants of the spte update rules and of the lock holders' writes (spec §5.4 K7 and neighbours). */
import { type KGen, load, store } from "../../../runtime/step";
import { spte_needs_atomic_update_pre_928c54b1c4ca } from "../designs";
import { KIND, type Kvm } from "../kvm";
import { is_mmu_writable_spte, is_writable_pte, spte_ad_enabled } from "../spte_bits";
import type { LocklessOverrides } from "../symbols";

/** K7: revert 928c54b1c4ca: writable A/D-disabled sptes are updated with a plain store. */
export const no_atomic_ad_disabled: LocklessOverrides = () => ({
  spte_needs_atomic_update: spte_needs_atomic_update_pre_928c54b1c4ca,
});

/** atomic-ignores-dirty: a writable spte without D is updated with a plain store, though the CPU may set D. */
export const atomic_ignores_dirty: LocklessOverrides = () => ({
  spte_needs_atomic_update: (spte: number): boolean => (!is_writable_pte(spte) && is_mmu_writable_spte(spte)) || !spte_ad_enabled(spte),
});

/** clear-dirty-plain-store: __rmap_clear_dirty's test_and_clear_bit(W) is a load and a plain store. */
export const clear_dirty_plain_store: LocklessOverrides = () => ({
  *test_and_clear_bit(kvm: Kvm, nr: number, sptep: number, who: string): KGen<boolean> {
    const v = yield load(sptep, KIND.spt, `${who}: load *sptep`);
    yield store(sptep, KIND.spt, v & ~(1 << nr), `${who}: *sptep = v & ~W (plain store)`);
    return (v & (1 << nr)) !== 0;
  },
});

/** wp-keeps-mmu-writable: write tracking clears W but leaves MMU-writable, so the fast page fault can make the page writable again. */
export const wp_keeps_mmu_writable: LocklessOverrides = (base) => ({
  spte_write_protect: (kvm: Kvm, sptep: number): KGen<boolean> => base.spte_write_protect(kvm, sptep, false),
});
