/**
 * The invalid rmap handlers of patch 07/15 ([C], shared/seed/) and the
 * being_unmapped_rmap handshake of patch 08/15 ([R]: name and placement
 * recalled from the v3 cover letter, not confirmed; see docs/model.md).
 *
 * Invalid rmaps belong to a memslot being deleted. They are remove-only: no
 * spte is ever added, entries are reset to PTE_LIST_SPTE_SKIP in place, and the
 * memory is kept until the memslot is freed. Every handler unmaps and returns
 * 0: no TLB flush, because every spte left in an invalid rmap belongs to an
 * obsolete shadow page that no vCPU can reach (patch 12).
 */
import { type KGen, load, smpMb, store, waitWhile, warn } from "../runtime/step";
import type { pte_t } from "./handlers";
import { KVM, type Kvm } from "./kvm";
import { PTE_LIST_SPTE_SKIP } from "./pte_list_clear_concurrently";
import { new_rmap_iterator } from "./rmap_iterator";

/** invalid_rmap_add: "should never happen": WARN, add nothing, return 0. */
export function* invalid_rmap_add(kvm: Kvm, spte: number, pte_list: number): KGen<number> {
  yield warn("invalid_rmap_add: WARN_ON(1)");
  return 0;
}

/**
 * invalid_rmap_remove: reset the entry in place; then (patch 08 [R]) wait
 * until no lock-free unmapper is inside this rmap, so that the caller may go
 * on to free the shadow page holding spte.
 */
export function* invalid_rmap_remove(kvm: Kvm, spte: number, rmapp: number): KGen<void> {
  yield* kvm.sym.pte_list_clear_concurrently(kvm, spte, rmapp);
  yield* kvm.sym.wait_being_unmapped_rmap(kvm, rmapp);
}

/** The lock holder's half of the handshake [R]: smp_mb, then spin while being_unmapped_rmap == rmapp. */
export function* wait_being_unmapped_rmap(kvm: Kvm, rmapp: number): KGen<void> {
  yield smpMb("invalid_rmap_remove: smp_mb");
  yield waitWhile(kvm.field(KVM.being_unmapped_rmap), "kvm", rmapp, "invalid_rmap_remove: spin while kvm->arch.being_unmapped_rmap == rmapp");
}

/** invalid_rmap_write_protect: "should never happen": WARN, return false. */
export function* invalid_rmap_write_protect(kvm: Kvm, rmapp: number, pt_protect: boolean): KGen<boolean> {
  yield warn("invalid_rmap_write_protect: WARN_ON(1)");
  return false;
}

/**
 * __kvm_unmap_invalid_rmapp: no kvm, no lock. One pass with rmap_get_first /
 * rmap_get_next (no restart: entries never move). SKIP entries are skipped;
 * an entry is reset only by the clearer that saw the spte present (the
 * winner rule). "Do not call .rmap_remove()".
 */
export function* __kvm_unmap_invalid_rmapp(kvm: Kvm, rmapp: number): KGen<number> {
  const iter = new_rmap_iterator();
  const head = yield load(rmapp, "rmap", "__kvm_unmap_invalid_rmapp: load *rmapp");
  for (let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter); sptep; sptep = yield* kvm.sym.rmap_get_next(kvm, iter)) {
    if (sptep === PTE_LIST_SPTE_SKIP) continue;
    if (yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep)) yield* kvm.sym.pte_list_clear_concurrently(kvm, sptep, rmapp);
  }
  return 0;
}

/** kvm_unmap_invalid_rmapp: rmap_age, rmap_test_age and rmap_unmap of invalid_rmap_ops. */
export function* kvm_unmap_invalid_rmapp(kvm: Kvm, rmapp: number): KGen<number> {
  return yield* kvm.sym.__kvm_unmap_invalid_rmapp(kvm, rmapp);
}

/** invalid_rmap_set_pte: unmaps instead of remapping; the new pte is ignored. */
export function* invalid_rmap_set_pte(kvm: Kvm, rmapp: number, ptep: pte_t): KGen<number> {
  return yield* kvm.sym.kvm_unmap_invalid_rmapp(kvm, rmapp);
}

/**
 * The lock-free unmapper's half of the handshake (patch 08 [R]): with
 * preemption disabled, publish the rmap, smp_mb, unmap it, then unpublish.
 */
export function* kvm_unmap_invalid_rmapp_nolock(kvm: Kvm, rmapp: number): KGen<void> {
  // preempt_disable(): a no-op in the simulation.
  yield store(kvm.field(KVM.being_unmapped_rmap), "kvm", rmapp, "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = rmapp");
  yield smpMb("unmap_invalid_rmap_nolock: smp_mb");
  yield* kvm.sym.__kvm_unmap_invalid_rmapp(kvm, rmapp);
  yield smpMb("unmap_invalid_rmap_nolock: smp_mb");
  yield store(kvm.field(KVM.being_unmapped_rmap), "kvm", 0, "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = NULL");
  // preempt_enable()
}
