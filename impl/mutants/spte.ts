/** Mutants of the spte primitives and of the handlers that change spte bits (spec §5 M5 and neighbours). */
import { KernelBug } from "../../runtime/errors";
import { flushRemoteTlbs, type KGen, load, store } from "../../runtime/step";
import { kvm_age_rmapp, kvm_test_age_rmapp, type pte_t } from "../handlers";
import type { Kvm } from "../kvm";
import { new_rmap_iterator } from "../rmap_iterator";
import {
  is_rmap_spte,
  PAGE_SHIFT,
  PT_PRESENT_MASK,
  PT_WRITABLE_MASK,
  shadow_accessed_mask,
  SPTE_HOST_WRITEABLE,
  spte_to_pfn,
} from "../spte_bits";

/** M5 volatile-bits-ignored: spte_has_volatile_bits always says no, so clears and updates take the load-then-store path. */
export function no_volatile_bits(kvm: Kvm, spte: number): boolean {
  return false;
}

/** clear-forgets-dirty: mmu_spte_clear_track_bits never calls kvm_set_pfn_dirty. */
export function* clear_track_bits_no_dirty(kvm: Kvm, sptep: number): KGen<number> {
  let old_spte = yield load(sptep, "spt", "mmu_spte_clear_track_bits: load *sptep");
  if (!kvm.sym.spte_has_volatile_bits(kvm, old_spte)) yield* kvm.sym.__update_clear_spte_fast(kvm, sptep, 0, "mmu_spte_clear_track_bits");
  else old_spte = yield* kvm.sym.__update_clear_spte_slow(kvm, sptep, 0, "mmu_spte_clear_track_bits");
  if (!is_rmap_spte(old_spte)) return 0;
  const A = shadow_accessed_mask(kvm);
  if (!A || old_spte & A) yield* kvm.sym.kvm_set_pfn_accessed(kvm, spte_to_pfn(old_spte));
  return 1;
}

/** M5 leaf-clear-no-track: a zapped leaf spte is cleared with mmu_spte_clear_no_track, its entry removed without A/D propagation. */
export function* zap_pte_no_track(kvm: Kvm, sp: number, sptep: number): KGen<void> {
  const pte = yield load(sptep, "spt", "mmu_page_zap_pte: load *spte");
  if (!(pte & PT_PRESENT_MASK)) return;
  yield* kvm.sym.mmu_spte_clear_no_track(kvm, sptep);
  yield* kvm.sym.rmap_remove(kvm, sptep);
}

/** age-plain-clear: kvm_age_rmapp clears A with a load and a plain store instead of clear_bit. */
export function* age_rmapp_plain_clear(kvm: Kvm, rmapp: number): KGen<number> {
  const A = shadow_accessed_mask(kvm);
  if (!A) return yield* kvm.sym.kvm_unmap_rmapp(kvm, rmapp);
  const iter = new_rmap_iterator();
  let young = 0;
  const head = yield load(rmapp, "rmap", "kvm_age_rmapp: load *rmapp");
  for (let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter); sptep; sptep = yield* kvm.sym.rmap_get_next(kvm, iter)) {
    const spte = yield load(sptep, "spt", "kvm_age_rmapp: load *sptep");
    if (!(spte & PT_PRESENT_MASK)) throw new KernelBug("kvm_age_rmapp", "BUG_ON(!is_shadow_present_pte(*sptep))");
    if (spte & A) {
      young = 1;
      yield store(sptep, "spt", spte & ~A, "kvm_age_rmapp: *sptep = spte & ~ACCESSED (plain store)");
    }
  }
  return young;
}

/** age-never-young: kvm_age_rmapp clears A but always reports "not young". */
export function* age_rmapp_never_young(kvm: Kvm, rmapp: number): KGen<number> {
  yield* kvm_age_rmapp(kvm, rmapp);
  return 0;
}

/** test-age-clears-accessed: kvm_test_age_rmapp also clears the A bits it finds (a test that changes state). */
export function* test_age_rmapp_clears(kvm: Kvm, rmapp: number): KGen<number> {
  const young = yield* kvm_test_age_rmapp(kvm, rmapp);
  if (young) yield* kvm_age_rmapp(kvm, rmapp);
  return young;
}

/** set-pte-keeps-writable: kvm_set_pte_rmapp remaps to the new pfn without clearing W. */
export function* set_pte_rmapp_keeps_w(kvm: Kvm, rmapp: number, ptep: pte_t): KGen<number> {
  const iter = new_rmap_iterator();
  let need_flush = 0;
  const head = yield load(rmapp, "rmap", "kvm_set_pte_rmapp: load *rmapp");
  let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter);
  while (sptep) {
    const spte = yield load(sptep, "spt", "kvm_set_pte_rmapp: load *sptep");
    if (!(spte & PT_PRESENT_MASK)) throw new KernelBug("kvm_set_pte_rmapp", "BUG_ON(!is_shadow_present_pte(*sptep))");
    need_flush = 1;
    if (ptep.write) {
      yield* kvm.sym.drop_spte(kvm, sptep);
      const h = yield load(rmapp, "rmap", "kvm_set_pte_rmapp: load *rmapp");
      sptep = yield* kvm.sym.rmap_get_first(kvm, h, iter);
    } else {
      let new_spte = (spte & ((1 << PAGE_SHIFT) - 1)) | (ptep.pfn << PAGE_SHIFT);
      new_spte &= ~SPTE_HOST_WRITEABLE;
      new_spte &= ~shadow_accessed_mask(kvm);
      yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep);
      yield* kvm.sym.mmu_spte_set(kvm, sptep, new_spte);
      sptep = yield* kvm.sym.rmap_get_next(kvm, iter);
    }
  }
  if (need_flush) yield flushRemoteTlbs("kvm_set_pte_rmapp: kvm_flush_remote_tlbs");
  return 0;
}

/** fast-pf-plain-store: fast_pf_fix_direct_spte sets W by storing the value it loaded earlier, not by cmpxchg. */
export function* fast_pf_plain_store(kvm: Kvm, sptep: number, spte: number): KGen<boolean> {
  yield store(sptep, "spt", spte | PT_WRITABLE_MASK, "fast_pf_fix_direct_spte: *sptep = spte|W (plain store)");
  return true;
}
