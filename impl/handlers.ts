/**
 * The normal rmap handlers (mmu.c v3.10), with the signatures patch 05 gave
 * them as struct rmap_operations members: (kvm, rmapp[, data]) instead of
 * (kvm, rmapp, slot, data). All run under mmu_lock.
 */
import { KernelBug } from "./kernel_bug";
import { type KGen, load, lockAnd, warn } from "../runtime/step";
import { flushRemoteTlbs } from "./steps";
import type { Kvm } from "./kvm";
import { page_header, sp_level } from "./mmu_page";
import { hex } from "./hex";
import type { pte_t } from "./host_pte";
import { new_rmap_iterator } from "./rmap_iterator";
import {
  is_large_pte,
  is_writable_pte,
  PAGE_SHIFT,
  PT_PRESENT_MASK,
  PT_WRITABLE_MASK,
  shadow_accessed_mask,
  SPTE_HOST_WRITEABLE,
  spte_is_locklessly_modifiable,
  SPTE_MMU_WRITEABLE,
} from "./spte_bits";


function* bug_on_not_present(kvm: Kvm, sptep: number, who: string): KGen<number> {
  const spte = yield load(sptep, "spt", `${who}: load *sptep`);
  if (!(spte & PT_PRESENT_MASK)) throw new KernelBug(who, `BUG_ON(!is_shadow_present_pte(*${hex(sptep)}))`);
  return spte;
}

/** kvm_unmap_rmapp: drop every spte of the rmap (restart-from-first). Returns "flush needed". */
export function* kvm_unmap_rmapp(kvm: Kvm, rmapp: number): KGen<number> {
  const iter = new_rmap_iterator();
  let need_tlb_flush = 0;
  for (;;) {
    const head = yield load(rmapp, "rmap", "kvm_unmap_rmapp: load *rmapp");
    const sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter);
    if (!sptep) break;
    yield* bug_on_not_present(kvm, sptep, "kvm_unmap_rmapp");
    yield* kvm.sym.drop_spte(kvm, sptep);
    need_tlb_flush = 1;
  }
  return need_tlb_flush;
}

/**
 * kvm_set_pte_rmapp: the host pte changed (KSM, COW). A writable new pte drops
 * every spte; a read-only one remaps each spte to the new pfn, read-only and
 * not accessed, by a clear then a set. Flushes itself, returns 0.
 */
export function* kvm_set_pte_rmapp(kvm: Kvm, rmapp: number, ptep: pte_t): KGen<number> {
  const iter = new_rmap_iterator();
  let need_flush = 0;
  const head = yield load(rmapp, "rmap", "kvm_set_pte_rmapp: load *rmapp");
  let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter);
  while (sptep) {
    const spte = yield* bug_on_not_present(kvm, sptep, "kvm_set_pte_rmapp");
    need_flush = 1;
    if (ptep.write) {
      yield* kvm.sym.drop_spte(kvm, sptep);
      const h = yield load(rmapp, "rmap", "kvm_set_pte_rmapp: load *rmapp");
      sptep = yield* kvm.sym.rmap_get_first(kvm, h, iter);
    } else {
      const new_spte = kvm.sym.set_pte_rmapp_new_spte(kvm, spte, ptep);
      yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep);
      yield* kvm.sym.mmu_spte_set(kvm, sptep, new_spte);
      sptep = yield* kvm.sym.rmap_get_next(kvm, iter);
    }
  }
  if (need_flush) yield flushRemoteTlbs("kvm_set_pte_rmapp: kvm_flush_remote_tlbs");
  return 0;
}

/**
 * The value kvm_set_pte_rmapp gives a spte remapped to a read-only host pte:
 * the new pfn, W, SPTE_HOST_WRITEABLE and A cleared, every other bit kept.
 * DEVIATION: a function of its own (inline in the kernel) so that a mutant can
 * replace the computation alone.
 */
export function set_pte_rmapp_new_spte(kvm: Kvm, spte: number, ptep: pte_t): number {
  let new_spte = spte & ((1 << PAGE_SHIFT) - 1);
  new_spte |= ptep.pfn << PAGE_SHIFT;
  new_spte &= ~PT_WRITABLE_MASK;
  new_spte &= ~SPTE_HOST_WRITEABLE;
  new_spte &= ~shadow_accessed_mask(kvm);
  return new_spte;
}

/** clear_bit(nr, addr) on a spte: one LOCK AND. `mask` is 1 << nr. */
export function* clear_bit(kvm: Kvm, mask: number, sptep: number, who: string): KGen<void> {
  yield lockAnd(sptep, "spt", ~mask, `${who}: clear_bit(ACCESSED, sptep)`);
}

/**
 * kvm_age_rmapp: returns 1 if any spte was young, clearing A with an atomic
 * clear_bit (no pfn propagation). Without A/D bits, ages by unmapping.
 */
export function* kvm_age_rmapp(kvm: Kvm, rmapp: number): KGen<number> {
  const A = shadow_accessed_mask(kvm);
  if (!A) return yield* kvm.sym.kvm_unmap_rmapp(kvm, rmapp);
  const iter = new_rmap_iterator();
  let young = 0;
  const head = yield load(rmapp, "rmap", "kvm_age_rmapp: load *rmapp");
  for (let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter); sptep; sptep = yield* kvm.sym.rmap_get_next(kvm, iter)) {
    const spte = yield* bug_on_not_present(kvm, sptep, "kvm_age_rmapp");
    if (spte & A) {
      young = 1;
      yield* kvm.sym.clear_bit(kvm, A, sptep, "kvm_age_rmapp");
    }
  }
  return young;
}

/** kvm_test_age_rmapp: 1 if any spte has A set; read-only. 0 without A/D bits. */
export function* kvm_test_age_rmapp(kvm: Kvm, rmapp: number): KGen<number> {
  const A = shadow_accessed_mask(kvm);
  if (!A) return 0;
  const iter = new_rmap_iterator();
  const head = yield load(rmapp, "rmap", "kvm_test_age_rmapp: load *rmapp");
  for (let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter); sptep; sptep = yield* kvm.sym.rmap_get_next(kvm, iter)) {
    const spte = yield* bug_on_not_present(kvm, sptep, "kvm_test_age_rmapp");
    if (spte & A) return 1;
  }
  return 0;
}

/** __drop_large_spte: drop a large spte; true if it did. */
export function* __drop_large_spte(kvm: Kvm, sptep: number, spte: number): KGen<boolean> {
  if (!is_large_pte(spte)) return false;
  if (sp_level(kvm, page_header(kvm, sptep)) === 1) {
    yield warn("__drop_large_spte: WARN_ON(sp->role.level == PT_PAGE_TABLE_LEVEL)");
  }
  yield* kvm.sym.drop_spte(kvm, sptep);
  return true;
}

/**
 * spte_write_protect: clear W (and SPTE_MMU_WRITEABLE when pt_protect).
 * Returns true when it dropped a large spte (the caller restarts).
 */
export function* spte_write_protect(kvm: Kvm, sptep: number, spte: number, flush: { v: boolean }, pt_protect: boolean): KGen<boolean> {
  if (!is_writable_pte(spte) && !(pt_protect && spte_is_locklessly_modifiable(spte))) return false;
  if (yield* kvm.sym.__drop_large_spte(kvm, sptep, spte)) {
    flush.v = true;
    return true;
  }
  if (pt_protect) spte &= ~SPTE_MMU_WRITEABLE;
  spte &= ~PT_WRITABLE_MASK;
  if (yield* kvm.sym.mmu_spte_update(kvm, sptep, spte)) flush.v = true;
  return false;
}

/** __rmap_write_protect: write-protect every spte of the rmap; returns "flush needed". */
export function* __rmap_write_protect(kvm: Kvm, rmapp: number, pt_protect: boolean): KGen<boolean> {
  const iter = new_rmap_iterator();
  const flush = { v: false };
  let head = yield load(rmapp, "rmap", "__rmap_write_protect: load *rmapp");
  let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter);
  while (sptep) {
    const spte = yield* bug_on_not_present(kvm, sptep, "__rmap_write_protect");
    if (yield* kvm.sym.spte_write_protect(kvm, sptep, spte, flush, pt_protect)) {
      head = yield load(rmapp, "rmap", "__rmap_write_protect: load *rmapp");
      sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter);
      continue;
    }
    sptep = yield* kvm.sym.rmap_get_next(kvm, iter);
  }
  return flush.v;
}
