/** Mutants of the invalid-rmap handlers and the handshake (spec §5 M1, M4, M6, M13 and neighbours). */
import { type KGen, store } from "../../runtime/step";
import { KVM, type Kvm } from "../kvm";
import { entry_name, PTE_LIST_SPTE_SKIP } from "../pte_list_clear_concurrently";
import type { Overrides } from "../symbols";

/** M1 unmap-invalid-no-skip-check: the loop body without the `continue` on PTE_LIST_SPTE_SKIP. */
export const unmap_invalid_no_skip_check: Overrides = () => ({
  *__kvm_unmap_invalid_spte(kvm: Kvm, sptep: number, rmapp: number): KGen<void> {
    if (yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep)) yield* kvm.sym.pte_list_clear_concurrently(kvm, sptep, rmapp);
  },
});

/** M6 unmap-invalid-reset-before-clear: the entry is reset to SKIP before the spte is cleared, not by the winner of the clear. */
export const unmap_invalid_reset_before_clear: Overrides = (base) => ({
  *__kvm_unmap_invalid_spte(kvm: Kvm, sptep: number, rmapp: number): KGen<void> {
    if (sptep !== PTE_LIST_SPTE_SKIP) yield* kvm.sym.pte_list_clear_concurrently(kvm, sptep, rmapp);
    yield* base.__kvm_unmap_invalid_spte(kvm, sptep, rmapp);
  },
});

function* nothing(): KGen<void> {}

/** M4 unmapper-does-not-publish: kvm->arch.being_unmapped_rmap is never set. */
export const unmap_nolock_no_publish: Overrides = () => ({ publish_being_unmapped_rmap: nothing });

/** unpublish-before-walk: being_unmapped_rmap is reset right after it is published, before the walk. */
export const unmap_nolock_unpublish_early: Overrides = (base) => ({
  *publish_being_unmapped_rmap(kvm: Kvm, rmapp: number): KGen<void> {
    yield* base.publish_being_unmapped_rmap(kvm, rmapp);
    yield* base.unpublish_being_unmapped_rmap(kvm);
  },
});

/** M13 handshake-no-mb: no smp_mb between publishing being_unmapped_rmap and reading the entries (visible under x86-TSO only). */
export const unmap_nolock_no_mb: Overrides = () => ({
  *publish_being_unmapped_rmap(kvm: Kvm, rmapp: number): KGen<void> {
    yield store(kvm.field(KVM.being_unmapped_rmap), "kvm", rmapp, "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = rmapp");
  },
});

/** skip-value-has-tag-bit: the reset writes ~0 (bit 0 set) instead of PTE_LIST_SPTE_SKIP. */
export const clear_concurrently_odd_skip: Overrides = () => ({
  *pte_list_reset_entry(kvm: Kvm, cell: number, kind: "rmap" | "pte_list_desc"): KGen<void> {
    yield store(cell, kind, 0xffffffff, `pte_list_clear_concurrently: store ${entry_name(kvm, cell, kind)} = ~0`);
  },
});
