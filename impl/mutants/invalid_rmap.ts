/** Mutants of the invalid-rmap handlers and the handshake (spec §5 M1, M4, M6, M13 and neighbours). */
import { type KGen, load, smpMb, store } from "../../runtime/step";
import { KVM, type Kvm } from "../kvm";
import { pte_list_find_entry, PTE_LIST_SPTE_SKIP } from "../pte_list_clear_concurrently";
import { new_rmap_iterator } from "../rmap_iterator";

/** M1 unmap-invalid-no-skip-check: __kvm_unmap_invalid_rmapp without the `continue` on SKIP. */
export function* unmap_invalid_no_skip_check(kvm: Kvm, rmapp: number): KGen<number> {
  const iter = new_rmap_iterator();
  const head = yield load(rmapp, "rmap", "__kvm_unmap_invalid_rmapp: load *rmapp");
  for (let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter); sptep; sptep = yield* kvm.sym.rmap_get_next(kvm, iter)) {
    if (yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep)) yield* kvm.sym.pte_list_clear_concurrently(kvm, sptep, rmapp);
  }
  return 0;
}

/** M6 unmap-invalid-reset-before-clear: the entry is reset to SKIP before the spte is cleared (not by the winner). */
export function* unmap_invalid_reset_before_clear(kvm: Kvm, rmapp: number): KGen<number> {
  const iter = new_rmap_iterator();
  const head = yield load(rmapp, "rmap", "__kvm_unmap_invalid_rmapp: load *rmapp");
  for (let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter); sptep; sptep = yield* kvm.sym.rmap_get_next(kvm, iter)) {
    if (sptep === PTE_LIST_SPTE_SKIP) continue;
    yield* kvm.sym.pte_list_clear_concurrently(kvm, sptep, rmapp);
    yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep);
  }
  return 0;
}

/** M4 unmapper-does-not-publish: the lock-free unmapper never sets kvm->arch.being_unmapped_rmap. */
export function* unmap_nolock_no_publish(kvm: Kvm, rmapp: number): KGen<void> {
  yield* kvm.sym.__kvm_unmap_invalid_rmapp(kvm, rmapp);
}

/** unpublish-before-walk: being_unmapped_rmap is reset before the walk instead of after it. */
export function* unmap_nolock_unpublish_early(kvm: Kvm, rmapp: number): KGen<void> {
  yield store(kvm.field(KVM.being_unmapped_rmap), "kvm", rmapp, "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = rmapp");
  yield smpMb("unmap_invalid_rmap_nolock: smp_mb");
  yield store(kvm.field(KVM.being_unmapped_rmap), "kvm", 0, "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = NULL");
  yield* kvm.sym.__kvm_unmap_invalid_rmapp(kvm, rmapp);
}

/** M13 handshake-no-mb: no smp_mb between publishing being_unmapped_rmap and reading the entries (visible under x86-TSO only). */
export function* unmap_nolock_no_mb(kvm: Kvm, rmapp: number): KGen<void> {
  yield store(kvm.field(KVM.being_unmapped_rmap), "kvm", rmapp, "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = rmapp");
  yield* kvm.sym.__kvm_unmap_invalid_rmapp(kvm, rmapp);
  yield smpMb("unmap_invalid_rmap_nolock: smp_mb");
  yield store(kvm.field(KVM.being_unmapped_rmap), "kvm", 0, "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = NULL");
}

/** skip-value-has-tag-bit: pte_list_clear_concurrently writes ~0 (bit 0 set) instead of PTE_LIST_SPTE_SKIP. */
export function* clear_concurrently_odd_skip(kvm: Kvm, spte: number, pte_list: number): KGen<void> {
  const e = yield* pte_list_find_entry(kvm, spte, pte_list);
  if (e !== null) yield store(e.cell, e.kind, 0xffffffff, "pte_list_clear_concurrently: store entry = ~0");
}
