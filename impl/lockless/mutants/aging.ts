/** Mutants of the lockless ager (spec §5.4 K3-K6 and neighbours), each replacing one small symbol of aging.ts or of what it calls. */
import { type KGen, load, store, xchg } from "../../../runtime/step";
import type { kvm_gfn_range } from "../aging";
import { KIND, type Kvm } from "../kvm";
import { SHADOW_ACC_TRACK_SAVED_BITS_MASK, SHADOW_ACC_TRACK_SAVED_BITS_SHIFT } from "../spte_bits";
import type { LocklessRmapBody } from "../rmap_iterator";
import type { LocklessOverrides } from "../symbols";

/** K3: the ager walks the rmap without its lock (a plain kvm_rmap_get; the unlock does nothing). */
export const age_without_rmap_lock: LocklessOverrides = () => ({
  kvm_rmap_lock_readonly: (kvm: Kvm, rmap_head: number): KGen<number> => kvm.sym.kvm_rmap_get(kvm, rmap_head),
  *kvm_rmap_unlock_readonly(): KGen<void> {},
});

/** K4 (B6): the lockless ager uses for_each_rmap_spte, which WARNs on the non-present sptes a zapper leaves. */
export const age_locked_iterator: LocklessOverrides = () => ({
  *for_each_rmap_spte_lockless(kvm: Kvm, rmap_head: number, body: LocklessRmapBody): KGen<void> {
    yield* kvm.sym.for_each_rmap_spte(kvm, rmap_head, function* (sptep) {
      return yield* body(sptep, yield* kvm.sym.mmu_spte_get_lockless(kvm, sptep));
    });
  },
});

/** K5: the ager clears A with a load and a plain store, after its snapshot. */
export const age_plain_clear_accessed: LocklessOverrides = () => ({
  *clear_bit(kvm: Kvm, nr: number, sptep: number, who: string): KGen<void> {
    const v = yield load(sptep, KIND.spt, `${who}: load *sptep`);
    yield store(sptep, KIND.spt, v & ~(1 << nr), `${who}: *sptep = v & ~A (plain store)`);
  },
});

/** K6: the A/D-disabled ager stores the access-tracked snapshot unconditionally (xchg, not cmpxchg). */
export const age_at_store: LocklessOverrides = () => ({
  *cmpxchg64(kvm: Kvm, sptep: number, old: number, new_spte: number, who: string): KGen<number> {
    return yield xchg(sptep, KIND.spt, new_spte, `${who}: xchg(sptep, new_spte)`);
  },
});

/** test-age-clears-accessed: kvm_test_age_gfn ages (test_only lost). */
export const test_age_clears_accessed: LocklessOverrides = () => ({
  kvm_test_age_gfn: (kvm: Kvm, range: kvm_gfn_range): KGen<boolean> => kvm.sym.kvm_age_gfn(kvm, range),
});

/** age-never-young: kvm_age_gfn ages but always answers "old". */
export const age_never_young: LocklessOverrides = (base) => ({
  *kvm_age_gfn(kvm: Kvm, range: kvm_gfn_range): KGen<boolean> {
    yield* base.kvm_age_gfn(kvm, range);
    return false;
  },
});

/** age-range-short: kvm_age_gfn stops one page before the range's end. */
export const age_range_short: LocklessOverrides = (base) => ({
  kvm_age_gfn: (kvm: Kvm, range: kvm_gfn_range): KGen<boolean> => base.kvm_age_gfn(kvm, { ...range, end: range.end - 1 }),
});

/** at-saves-nothing: mark_spte_for_access_track drops R/X instead of saving them. */
export const at_saves_nothing: LocklessOverrides = (base) => ({
  mark_spte_for_access_track: (spte: number): number => base.mark_spte_for_access_track(spte) & ~(SHADOW_ACC_TRACK_SAVED_BITS_MASK << SHADOW_ACC_TRACK_SAVED_BITS_SHIFT),
});
