/**
 * struct rmap_iterator, rmap_get_first, rmap_get_next (mmu.c v3.10).
 * rmap_get_first takes the head *by value*: the caller loads *rmapp once.
 * After removing sptes, iteration must restart with rmap_get_first.
 * The iterators return PTE_LIST_SPTE_SKIP like any other non-NULL entry:
 * consumers of invalid rmaps must test for it before dereferencing.
 */
import { type KGen, load } from "../runtime/step";
import type { Kvm } from "./kvm";
import { desc_more, desc_spte } from "./pte_list";

export interface rmap_iterator {
  /** 0 means the direct form (no desc). */
  desc: number;
  pos: number;
}

export function new_rmap_iterator(): rmap_iterator {
  return { desc: 0, pos: 0 };
}

/** rmap_get_first(rmap, iter): the first entry, or 0 when the list is empty. */
export function* rmap_get_first(kvm: Kvm, rmap: number, iter: rmap_iterator): KGen<number> {
  if (!rmap) return 0;
  if (!(rmap & 1)) {
    iter.desc = 0;
    return rmap;
  }
  iter.desc = rmap & ~1;
  iter.pos = 0;
  return yield load(desc_spte(iter.desc, 0), "pte_list_desc", "rmap_get_first: load desc->sptes[0]");
}

/** rmap_get_next(iter): the next entry, or 0 at the end. */
export function* rmap_get_next(kvm: Kvm, iter: rmap_iterator): KGen<number> {
  if (iter.desc) {
    if (iter.pos < kvm.cfg.PTE_LIST_EXT - 1) {
      ++iter.pos;
      const sptep = yield load(desc_spte(iter.desc, iter.pos), "pte_list_desc", `rmap_get_next: load desc->sptes[${iter.pos}]`);
      if (sptep) return sptep;
    }
    iter.desc = yield load(desc_more(kvm, iter.desc), "pte_list_desc", "rmap_get_next: load desc->more");
    if (iter.desc) {
      iter.pos = 0;
      // desc->sptes[0] cannot be NULL
      return yield load(desc_spte(iter.desc, 0), "pte_list_desc", "rmap_get_next: load desc->sptes[0]");
    }
  }
  return 0;
}
