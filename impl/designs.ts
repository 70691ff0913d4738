/**
 * Design variants (--design): each is the v3 symbol table with some kernel
 * functions replaced. See docs/findings.md for what the checker concludes.
 */
import { type KGen, reloadRemoteMmus } from "../runtime/step";
import type { Kvm } from "./kvm";
import { pte_list_clear_concurrently_cmpxchg } from "./pte_list_clear_concurrently";
import { defaultSymbols, type Symbols } from "./symbols";

export interface Design {
  readonly name: string;
  readonly summary: string;
  readonly overrides: Partial<Symbols>;
}

/** v3.10: every rmap change under mmu_lock; a deleted slot is emptied by kvm_mmu_zap_all. */
function* baseline_flush_shadow_memslot(kvm: Kvm, slot: number): KGen<void> {
  yield* kvm.sym.kvm_mmu_zap_all(kvm);
  yield reloadRemoteMmus("kvm_arch_flush_shadow_memslot: kvm_reload_remote_mmus");
}

function* baseline_flush_shadow_all(kvm: Kvm, slots: number[]): KGen<void> {
  yield* kvm.sym.kvm_mmu_zap_all(kvm);
}

/** v3.10 kvm_free_physmem_slot: only the head arrays are freed. */
function* baseline_free_memslot(kvm: Kvm, slot: number): KGen<void> {
  yield* kvm.sym.kvm_arch_free_memslot(kvm, slot);
}

/** v3-no-handshake: the unmapper publishes nothing ... */
function* unmap_without_publishing(kvm: Kvm, rmapp: number): KGen<void> {
  yield* kvm.sym.__kvm_unmap_invalid_rmapp(kvm, rmapp);
}

/** ... and lock holders do not wait. */
function* no_wait(kvm: Kvm, rmapp: number): KGen<void> {}

export const DESIGNS: Record<string, Design> = {
  v3: {
    name: "v3",
    summary: "the series as specified: invalid rmaps unmapped without mmu_lock, being_unmapped_rmap handshake, descs freed without mmu_lock",
    overrides: {},
  },
  "v3-no-handshake": {
    name: "v3-no-handshake",
    summary: "v3 without the being_unmapped_rmap wait: lock holders may free a shadow page the unmapper is about to touch",
    overrides: { kvm_unmap_invalid_rmapp_nolock: unmap_without_publishing, wait_being_unmapped_rmap: no_wait },
  },
  "v3-skip-cmpxchg": {
    name: "v3-skip-cmpxchg",
    summary: "v3 with pte_list_clear_concurrently resetting the entry by cmpxchg(entry, spte, SKIP) instead of a plain store",
    overrides: { pte_list_clear_concurrently: pte_list_clear_concurrently_cmpxchg },
  },
  baseline: {
    name: "baseline",
    summary: "v3.10: zap all shadow pages under mmu_lock, no lock-free path, rmaps always normal",
    overrides: {
      kvm_arch_flush_shadow_memslot: baseline_flush_shadow_memslot,
      kvm_arch_flush_shadow_all: baseline_flush_shadow_all,
      kvm_free_memslot: baseline_free_memslot,
    },
  },
};

export function symbolsFor(design: Design, extra: Partial<Symbols> = {}): Symbols {
  return { ...defaultSymbols, ...design.overrides, ...extra };
}
