/** Mutants of the spte primitives and of the handlers that change spte bits (spec §5 M5 and neighbours). */
import { type KGen, load, store } from "../../runtime/step";
import type { pte_t } from "../host_pte";
import type { Kvm } from "../kvm";
import { is_last_spte, is_shadow_present_pte, PT_WRITABLE_MASK, shadow_accessed_mask, spte_to_pfn } from "../spte_bits";
import type { Overrides } from "../symbols";
import { sp_level } from "../mmu_page";

/** M5 volatile-bits-ignored: spte_has_volatile_bits always says no, so clears and updates take the load-then-store path. */
export const no_volatile_bits: Overrides = () => ({ spte_has_volatile_bits: (): boolean => false });

/** clear-forgets-dirty: mmu_spte_clear_track_bits never calls kvm_set_pfn_dirty. */
export const clear_track_bits_no_dirty: Overrides = () => ({
  *__mmu_spte_track_bits(kvm: Kvm, old_spte: number): KGen<void> {
    const A = shadow_accessed_mask(kvm);
    if (!A || old_spte & A) yield* kvm.sym.kvm_set_pfn_accessed(kvm, spte_to_pfn(old_spte));
  },
});

/** M5 leaf-clear-no-track: a zapped leaf spte is cleared with mmu_spte_clear_no_track, its entry removed without A/D propagation. */
export const zap_pte_no_track: Overrides = () => ({
  *mmu_page_zap_pte(kvm: Kvm, sp: number, sptep: number): KGen<void> {
    const pte = yield load(sptep, "spt", "mmu_page_zap_pte: load *spte");
    if (!is_shadow_present_pte(pte) || !is_last_spte(pte, sp_level(kvm, sp))) return;
    yield* kvm.sym.mmu_spte_clear_no_track(kvm, sptep);
    yield* kvm.sym.rmap_remove(kvm, sptep);
  },
});

/** age-plain-clear: clear_bit on a spte is a load and a plain store, losing a bit set in between. */
export const age_rmapp_plain_clear: Overrides = () => ({
  *clear_bit(kvm: Kvm, mask: number, sptep: number, who: string): KGen<void> {
    const spte = yield load(sptep, "spt", `${who}: load *sptep`);
    yield store(sptep, "spt", spte & ~mask, `${who}: *sptep = spte & ~ACCESSED (plain store)`);
  },
});

/** age-never-young: kvm_age_rmapp clears A but always reports "not young". */
export const age_rmapp_never_young: Overrides = (base) => ({
  *kvm_age_rmapp(kvm: Kvm, rmapp: number): KGen<number> {
    yield* base.kvm_age_rmapp(kvm, rmapp);
    return 0;
  },
});

/** test-age-clears-accessed: kvm_test_age_rmapp also clears the A bits it finds (a test that changes state). */
export const test_age_rmapp_clears: Overrides = (base) => ({
  *kvm_test_age_rmapp(kvm: Kvm, rmapp: number): KGen<number> {
    const young = yield* base.kvm_test_age_rmapp(kvm, rmapp);
    if (young) yield* base.kvm_age_rmapp(kvm, rmapp);
    return young;
  },
});

/** set-pte-keeps-writable: kvm_set_pte_rmapp remaps to the new pfn without clearing W. */
export const set_pte_rmapp_keeps_w: Overrides = (base) => ({
  set_pte_rmapp_new_spte: (kvm: Kvm, spte: number, ptep: pte_t): number => base.set_pte_rmapp_new_spte(kvm, spte, ptep) | (spte & PT_WRITABLE_MASK),
});

/** fast-pf-plain-store: fast_pf_fix_direct_spte sets W by storing the value it loaded earlier, not by cmpxchg. */
export const fast_pf_plain_store: Overrides = () => ({
  *fast_pf_fix_direct_spte(kvm: Kvm, sptep: number, spte: number): KGen<boolean> {
    yield store(sptep, "spt", spte | PT_WRITABLE_MASK, "fast_pf_fix_direct_spte: *sptep = spte|W (plain store)");
    return true;
  },
});
