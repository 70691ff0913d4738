/**
 * The TDP MMU as this subject needs it (arch/x86/kvm/mmu/tdp_mmu.c 6.15),
 * and the gates of mmu.c that decide whether the shadow MMU's rmap walks run
 * when it is enabled: kvm_memslots_have_rmaps (kvm_shadow_root_allocated),
 * kvm_may_have_shadow_mmu_sptes (indirect_shadow_pages), and the counters
 * behind them (mmu_first_shadow_root_alloc, account_shadowed,
 * unaccount_shadowed).
 *
 * DEVIATION: the TDP MMU itself is a stub. It keeps one word per gfn of the
 * slot (KIND.tdpSpte): 0, or TDP_PRESENT with TDP_ACCESSED when young. A 4K
 * mapping, always writable and executable, set by a direct fault, made young
 * by the CPU, made old by the ager, cleared by an unmap: each its one atomic
 * step, labelled with the TDP MMU function it stands for (the record of its
 * calls). No paging structure, no RCU walk, no dirty bits: what the TDP MMU
 * does to its own sptes is outside this subject; what matters is that the
 * shadow MMU's gates around it are the kernel's.
 * DEVIATION: indirect_shadow_pages is counted only with the TDP MMU (the only
 * configuration that reads it), so that the shadow-MMU-only runs keep the
 * steps recorded traces replay.
 */
import { WORD_BYTES } from "../../runtime/memory";
import { type KGen, load, lockAnd, orIf, smpMb, store, xchg } from "../../runtime/step";
import type { kvm_gfn_range } from "./aging";
import { KIND, type Kvm, KVM_FIELD, MMU_PAGE } from "./kvm";
import { sp_field } from "./rmap";

/** The stub's word for a gfn: a 4K TDP MMU spte is present ... */
export const TDP_PRESENT = 1;
/** ... and young (the CPU set A; the ager clears it). */
export const TDP_ACCESSED = 2;

/** tdp_mmu_enabled (module parameter, read-only once KVM is loaded). */
export function tdp_mmu_enabled(kvm: Kvm): boolean {
  return kvm.cfg.tdp_mmu_enabled === true;
}

/** The stub's word for gfn, or 0 when gfn is outside the slot. */
export function tdp_sptep(kvm: Kvm, gfn: number): number {
  const { base, npages } = kvm.tdp_gfns;
  if (gfn < base || gfn >= base + npages) return 0;
  return kvm.tdp_sptes + (gfn - base) * WORD_BYTES;
}

// ---- the gates (mmu.c, mmu_internal.h) ---------------------------------------

/** kvm_shadow_root_allocated: smp_load_acquire(&kvm->arch.shadow_root_allocated). */
export function* kvm_shadow_root_allocated(kvm: Kvm): KGen<boolean> {
  const label = "kvm_shadow_root_allocated: smp_load_acquire(&kvm->arch.shadow_root_allocated)";
  return (yield load(kvm.field(KVM_FIELD.shadow_root_allocated), KIND.kvm, label)) !== 0;
}

/** kvm_memslots_have_rmaps: !tdp_mmu_enabled || kvm_shadow_root_allocated(kvm). */
export function* kvm_memslots_have_rmaps(kvm: Kvm): KGen<boolean> {
  return !tdp_mmu_enabled(kvm) || (yield* kvm.sym.kvm_shadow_root_allocated(kvm));
}

/** kvm_may_have_shadow_mmu_sptes: !tdp_mmu_enabled || READ_ONCE(kvm->arch.indirect_shadow_pages). */
export function* kvm_may_have_shadow_mmu_sptes(kvm: Kvm): KGen<boolean> {
  if (!tdp_mmu_enabled(kvm)) return true;
  const label = "kvm_may_have_shadow_mmu_sptes: READ_ONCE(kvm->arch.indirect_shadow_pages)";
  return (yield load(kvm.field(KVM_FIELD.indirect_shadow_pages), KIND.kvm, label)) !== 0;
}

/**
 * mmu_first_shadow_root_alloc: the first shadow root sets shadow_root_allocated
 * (smp_store_release), after which kvm_memslots_have_rmaps is true for good.
 * DEVIATION: called by the nested fault itself before mmu_lock (the kernel
 * calls it from mmu_alloc_shadow_roots, also before mmu_lock); the rmaps exist
 * already (kvm.ts) and kvm->slots_arch_lock is not simulated: the unlocked
 * check, then the store (two racing first roots both store true).
 */
export function* mmu_first_shadow_root_alloc(kvm: Kvm): KGen<void> {
  if (!tdp_mmu_enabled(kvm) || (yield* kvm.sym.kvm_shadow_root_allocated(kvm))) return;
  const label = "mmu_first_shadow_root_alloc: smp_store_release(&kvm->arch.shadow_root_allocated, true)";
  yield store(kvm.field(KVM_FIELD.shadow_root_allocated), KIND.kvm, 1, label);
}

/** account_shadowed (the counter part; under mmu_lock): kvm->arch.indirect_shadow_pages++, smp_mb(). */
export function* account_shadowed(kvm: Kvm, sp: number): KGen<void> {
  if (!tdp_mmu_enabled(kvm) || sp_field(kvm, sp, MMU_PAGE.direct)) return;
  const at = kvm.field(KVM_FIELD.indirect_shadow_pages);
  const n = yield load(at, KIND.kvm, "account_shadowed: kvm->arch.indirect_shadow_pages++ (load)");
  yield store(at, KIND.kvm, n + 1, "account_shadowed: kvm->arch.indirect_shadow_pages++ (store)");
  yield smpMb("account_shadowed: smp_mb()");
}

/** unaccount_shadowed (the counter part; under mmu_lock): kvm->arch.indirect_shadow_pages--. */
export function* unaccount_shadowed(kvm: Kvm, sp: number): KGen<void> {
  if (!tdp_mmu_enabled(kvm) || sp_field(kvm, sp, MMU_PAGE.direct)) return;
  const at = kvm.field(KVM_FIELD.indirect_shadow_pages);
  const n = yield load(at, KIND.kvm, "unaccount_shadowed: kvm->arch.indirect_shadow_pages-- (load)");
  yield store(at, KIND.kvm, n - 1, "unaccount_shadowed: kvm->arch.indirect_shadow_pages-- (store)");
}

// ---- the TDP MMU stub (tdp_mmu.c) ------------------------------------------------

/** kvm_tdp_mmu_page_fault for gfn (caller holds mmu_lock) with fault->slot = slot: map it young. Returns -3. */
export function* kvm_tdp_mmu_map(kvm: Kvm, gfn: number, write: boolean, slot: number): KGen<number> {
  yield store(tdp_sptep(kvm, gfn), KIND.tdpSpte, TDP_PRESENT | TDP_ACCESSED, "kvm_tdp_mmu_map: tdp_mmu_set_spte_atomic (stub)");
  if (write) yield* kvm.sym.mark_page_dirty_in_slot(kvm, slot, gfn);
  return -3;
}

/** kvm_tdp_mmu_age_gfn_range: make every young gfn of the range old; true if one was young. */
export function* kvm_tdp_mmu_age_gfn_range(kvm: Kvm, range: kvm_gfn_range): KGen<boolean> {
  let young = false;
  for (let gfn = range.start; gfn < range.end; gfn++) {
    const old = yield lockAnd(tdp_sptep(kvm, gfn), KIND.tdpSpte, ~TDP_ACCESSED, "kvm_tdp_mmu_age_gfn_range: clear A (stub)");
    young = young || (old & TDP_ACCESSED) !== 0;
  }
  return young;
}

/** kvm_tdp_mmu_test_age_gfn: is some gfn of the range young? */
export function* kvm_tdp_mmu_test_age_gfn(kvm: Kvm, range: kvm_gfn_range): KGen<boolean> {
  for (let gfn = range.start; gfn < range.end; gfn++) {
    if ((yield load(tdp_sptep(kvm, gfn), KIND.tdpSpte, "kvm_tdp_mmu_test_age_gfn: read spte (stub)")) & TDP_ACCESSED) return true;
  }
  return false;
}

/** kvm_tdp_mmu_unmap_gfn_range (caller holds mmu_lock): zap the range; flush if something was mapped. */
export function* kvm_tdp_mmu_unmap_gfn_range(kvm: Kvm, range: kvm_gfn_range, flush: boolean): KGen<boolean> {
  for (let gfn = range.start; gfn < range.end; gfn++) {
    const old = yield xchg(tdp_sptep(kvm, gfn), KIND.tdpSpte, 0, "kvm_tdp_mmu_unmap_gfn_range: zap spte (stub)");
    flush = flush || (old & TDP_PRESENT) !== 0;
  }
  return flush;
}

/** kvm_tdp_mmu_fast_pf_get_last_sptep: the stub's spte for gfn (lockless). */
export function* kvm_tdp_mmu_fast_pf_get_last_sptep(kvm: Kvm, gfn: number): KGen<number> {
  return yield load(tdp_sptep(kvm, gfn), KIND.tdpSpte, "kvm_tdp_mmu_fast_pf_get_last_sptep: read spte (stub)");
}

/** The CPU's access through the TDP MMU's spte: A set if present. 1 when the access goes through. */
export function* tdp_mmu_hw_access(kvm: Kvm, gfn: number): KGen<number> {
  const sptep = tdp_sptep(kvm, gfn);
  if (!sptep) return 0;
  const old = yield orIf(sptep, KIND.tdpSpte, TDP_PRESENT, TDP_ACCESSED, "hw_access: TDP page walk, if present: A (stub)");
  return old & TDP_PRESENT ? 1 : 0;
}
