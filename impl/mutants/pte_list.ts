/**
 * Mutants of the pte-list code (spec §5 M10 and neighbours). Each is a copy of
 * one kernel function with one idea changed; the comment says which.
 */
import { type KGen, load, store } from "../../runtime/step";
import type { Kvm } from "../kvm";
import { desc_more, desc_spte, pte_list_add } from "../pte_list";

/** no-backfill: pte_list_desc_remove_entry NULLs entry i and moves nothing (a hole in the packed prefix). */
export function* remove_entry_no_backfill(kvm: Kvm, pte_list: number, desc: number, i: number, prev_desc: number): KGen<void> {
  yield store(desc_spte(desc, i), "pte_list_desc", 0, `pte_list_desc_remove_entry: store desc->sptes[${i}] = NULL`);
  if (i !== 0) return;
  const next = yield load(desc_spte(desc, 1), "pte_list_desc", "pte_list_desc_remove_entry: load desc->sptes[1]");
  if (next) return;
  yield* unlink_and_free(kvm, pte_list, desc, prev_desc);
}

/** remove-j-off-by-one: the back-fill scan starts at PTE_LIST_EXT - 2, never looking at the last entry. */
export function* remove_entry_off_by_one(kvm: Kvm, pte_list: number, desc: number, i: number, prev_desc: number): KGen<void> {
  let j = Math.max(kvm.cfg.PTE_LIST_EXT - 2, i);
  let moved: number;
  for (;;) {
    moved = yield load(desc_spte(desc, j), "pte_list_desc", `pte_list_desc_remove_entry: load desc->sptes[${j}]`);
    if (moved || j <= i) break;
    --j;
  }
  yield store(desc_spte(desc, i), "pte_list_desc", moved, `pte_list_desc_remove_entry: store desc->sptes[${i}] = sptes[${j}]`);
  yield store(desc_spte(desc, j), "pte_list_desc", 0, `pte_list_desc_remove_entry: store desc->sptes[${j}] = NULL`);
  if (j !== 0) return;
  yield* unlink_and_free(kvm, pte_list, desc, prev_desc);
}

/** desc-freed-before-unlink: an emptied desc is freed before prev_desc->more / the head stops pointing at it. */
export function* remove_entry_free_before_unlink(kvm: Kvm, pte_list: number, desc: number, i: number, prev_desc: number): KGen<void> {
  let j = kvm.cfg.PTE_LIST_EXT - 1;
  let moved: number;
  for (;;) {
    moved = yield load(desc_spte(desc, j), "pte_list_desc", `pte_list_desc_remove_entry: load desc->sptes[${j}]`);
    if (moved || j <= i) break;
    --j;
  }
  yield store(desc_spte(desc, i), "pte_list_desc", moved, `pte_list_desc_remove_entry: store desc->sptes[${i}] = sptes[${j}]`);
  yield store(desc_spte(desc, j), "pte_list_desc", 0, `pte_list_desc_remove_entry: store desc->sptes[${j}] = NULL`);
  if (j !== 0) return;
  yield* kvm.sym.mmu_free_pte_list_desc(kvm, desc);
  const more = yield load(desc_more(kvm, desc), "pte_list_desc", "pte_list_desc_remove_entry: load desc->more");
  if (!prev_desc && !more) yield store(pte_list, "rmap", 0, "pte_list_desc_remove_entry: store *pte_list = desc->sptes[0]");
  else if (prev_desc) yield store(desc_more(kvm, prev_desc), "pte_list_desc", more, "pte_list_desc_remove_entry: store prev_desc->more");
  else yield store(pte_list, "rmap", more | 1, "pte_list_desc_remove_entry: store *pte_list = desc->more|1");
}

/** head-tag-missing: pte_list_add's 1->many stores the desc pointer without the tag bit. */
export function* pte_list_add_no_tag(kvm: Kvm, spte: number, pte_list: number): KGen<number> {
  const head = yield load(pte_list, "rmap", "pte_list_add: load *pte_list");
  if (!head || head & 1) return yield* defaultPteListAdd(kvm, spte, pte_list, head);
  const desc = yield* kvm.sym.mmu_alloc_pte_list_desc(kvm);
  yield store(desc_spte(desc, 0), "pte_list_desc", head, "pte_list_add: 1->many store desc->sptes[0]");
  yield store(desc_spte(desc, 1), "pte_list_desc", spte, "pte_list_add: 1->many store desc->sptes[1]");
  yield store(pte_list, "rmap", desc, "pte_list_add: 1->many store *pte_list = desc (no |1)");
  return 1;
}

/** add-overruns-desc: many->many scans PTE_LIST_EXT + 1 slots, so a full desc gets its `more` word overwritten. */
export function* pte_list_add_overrun(kvm: Kvm, spte: number, pte_list: number): KGen<number> {
  const EXT = kvm.cfg.PTE_LIST_EXT;
  const head = yield load(pte_list, "rmap", "pte_list_add: load *pte_list");
  if (!(head & 1)) return yield* defaultPteListAdd(kvm, spte, pte_list, head);
  let desc = head & ~1;
  let count = 0;
  for (;;) {
    const more = yield load(desc_more(kvm, desc), "pte_list_desc", "pte_list_add: load desc->more");
    if (!more) break;
    desc = more;
  }
  let i = 0;
  for (; i <= EXT; ++i) {
    const e = yield load(desc_spte(desc, i), "pte_list_desc", `pte_list_add: load desc->sptes[${i}]`);
    if (!e) break;
    ++count;
  }
  yield store(desc_spte(desc, i), "pte_list_desc", spte, `pte_list_add: many->many store desc->sptes[${i}]`);
  return count;
}

/** The unmutated 0->1 / many->many paths, for mutants that change only one branch. */
function* defaultPteListAdd(kvm: Kvm, spte: number, pte_list: number, head: number): KGen<number> {
  void head;
  return yield* pte_list_add(kvm, spte, pte_list);
}

/** The unmutated tail of pte_list_desc_remove_entry: unlink the emptied desc, then free it. */
function* unlink_and_free(kvm: Kvm, pte_list: number, desc: number, prev_desc: number): KGen<void> {
  const more = yield load(desc_more(kvm, desc), "pte_list_desc", "pte_list_desc_remove_entry: load desc->more");
  if (!prev_desc && !more) yield store(pte_list, "rmap", 0, "pte_list_desc_remove_entry: store *pte_list = desc->sptes[0]");
  else if (prev_desc) yield store(desc_more(kvm, prev_desc), "pte_list_desc", more, "pte_list_desc_remove_entry: store prev_desc->more");
  else yield store(pte_list, "rmap", more | 1, "pte_list_desc_remove_entry: store *pte_list = desc->more|1");
  yield* kvm.sym.mmu_free_pte_list_desc(kvm, desc);
}
