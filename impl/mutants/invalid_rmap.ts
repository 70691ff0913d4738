/** Mutants of the invalid-rmap handlers and the handshake (spec §5 M1, M4, M6, M13 and neighbours). */
import { type KGen, load, smpMb, store } from "../../runtime/step";
import { KVM, type Kvm } from "../kvm";
import { desc_more, desc_spte } from "../pte_list";
import { PTE_LIST_SPTE_SKIP } from "../pte_list_clear_concurrently";
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
  const BAD_SKIP = 0xffffffff;
  const head = yield load(pte_list, "rmap", "pte_list_clear_concurrently: load *pte_list");
  if (!head) return;
  if (!(head & 1)) {
    if (head === spte) yield store(pte_list, "rmap", BAD_SKIP, "pte_list_clear_concurrently: store *pte_list = ~0");
    return;
  }
  let desc = head & ~1;
  while (desc) {
    for (let i = 0; i < kvm.cfg.PTE_LIST_EXT; ++i) {
      const e = yield load(desc_spte(desc, i), "pte_list_desc", `pte_list_clear_concurrently: load desc->sptes[${i}]`);
      if (!e) break;
      if (e === spte) {
        yield store(desc_spte(desc, i), "pte_list_desc", BAD_SKIP, `pte_list_clear_concurrently: store desc->sptes[${i}] = ~0`);
        return;
      }
    }
    desc = yield load(desc_more(kvm, desc), "pte_list_desc", "pte_list_clear_concurrently: load desc->more");
  }
}
