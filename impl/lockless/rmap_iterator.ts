/**
 * struct rmap_iterator and the rmap walks (mmu.c, 6.15; spec §1.5).
 *
 * rmap_get_first reads val through kvm_rmap_get (LOCKED stripped);
 * rmap_get_next stops at the first NULL slot and never consults spte_count
 * ("desc->sptes[0] cannot be NULL"). for_each_rmap_spte is for mmu_lock
 * holders and WARNs on a non-present spte; for_each_rmap_spte_lockless reads
 * each spte once (mmu_spte_get_lockless) and skips non-present ones silently
 * (bb6c7749ccee). The walks take a body instead of being macros: it returns
 * true to leave the loop (the kernel's `return`/`break` from the body).
 * DEVIATION: the iterator's unused `struct rmap_head *head` field (spec O2) is left out.
 */
import { type KGen, load, warn } from "../../runtime/step";
import { KIND, type Kvm } from "./kvm";
import { desc_more, desc_sptes } from "./pte_list";
import { KVM_RMAP_MANY } from "./rmap_lock";
import { is_shadow_present_pte } from "./spte_bits";

export interface rmap_iterator {
  /** 0: the single form. */
  desc: number;
  pos: number;
}

/** rmap_get_first: the first sptep, or 0 when the rmap is empty. */
export function* rmap_get_first(kvm: Kvm, rmap_head: number, iter: rmap_iterator): KGen<number> {
  const rmap_val = yield* kvm.sym.kvm_rmap_get(kvm, rmap_head);
  if (!rmap_val) return 0;
  if (!(rmap_val & KVM_RMAP_MANY)) {
    iter.desc = 0;
    return rmap_val;
  }
  iter.desc = rmap_val & ~KVM_RMAP_MANY;
  iter.pos = 0;
  return yield load(desc_sptes(iter.desc, 0), KIND.desc, "rmap_get_first: load iter->desc->sptes[0]");
}

/** rmap_get_next: the next sptep, or 0 at the end. */
export function* rmap_get_next(kvm: Kvm, iter: rmap_iterator): KGen<number> {
  if (!iter.desc) return 0;
  if (iter.pos < kvm.cfg.PTE_LIST_EXT - 1) {
    ++iter.pos;
    const sptep = yield load(desc_sptes(iter.desc, iter.pos), KIND.desc, `rmap_get_next: load iter->desc->sptes[${iter.pos}]`);
    if (sptep) return sptep;
  }
  iter.desc = yield load(desc_more(iter.desc), KIND.desc, "rmap_get_next: load iter->desc->more");
  if (!iter.desc) return 0;
  iter.pos = 0;
  return yield load(desc_sptes(iter.desc, 0), KIND.desc, "rmap_get_next: load iter->desc->sptes[0]");
}

/** The body of a walk: true leaves the loop. */
export type RmapBody = (sptep: number) => KGen<boolean>;
export type LocklessRmapBody = (sptep: number, spte: number) => KGen<boolean>;

/** __for_each_rmap_spte: the bare loop. */
export function* __for_each_rmap_spte(kvm: Kvm, rmap_head: number, body: RmapBody): KGen<void> {
  const iter: rmap_iterator = { desc: 0, pos: 0 };
  for (let sptep = yield* kvm.sym.rmap_get_first(kvm, rmap_head, iter); sptep; sptep = yield* kvm.sym.rmap_get_next(kvm, iter)) {
    if (yield* body(sptep)) return;
  }
}

/** for_each_rmap_spte: mmu_lock held; the body runs for present sptes, a non-present one WARNs. */
export function* for_each_rmap_spte(kvm: Kvm, rmap_head: number, body: RmapBody): KGen<void> {
  yield* __for_each_rmap_spte(kvm, rmap_head, function* (sptep) {
    if (is_shadow_present_pte(yield load(sptep, KIND.spt, "for_each_rmap_spte: load *sptep"))) return yield* body(sptep);
    yield warn("for_each_rmap_spte: WARN_ON_ONCE(!is_shadow_present_pte(*sptep))");
    return false;
  });
}

/** for_each_rmap_spte_lockless: each spte read once; non-present ones skipped. */
export function* for_each_rmap_spte_lockless(kvm: Kvm, rmap_head: number, body: LocklessRmapBody): KGen<void> {
  yield* __for_each_rmap_spte(kvm, rmap_head, function* (sptep) {
    const spte = yield* kvm.sym.mmu_spte_get_lockless(kvm, sptep);
    return is_shadow_present_pte(spte) ? yield* body(sptep, spte) : false;
  });
}
