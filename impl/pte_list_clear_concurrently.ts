/**
 * Patch 06/15 "allow concurrently clearing spte on remove-only pte-list".
 * Only the name and its use in patch 07 are confirmed; the semantics below are
 * the spec's [I]/[R] reading (spec §2.3), documented in docs/model.md.
 *
 * On a remove-only list (an invalid memslot's rmap) an entry is cleared by
 * overwriting it in place with PTE_LIST_SPTE_SKIP: no back-fill, no change to
 * `more` links or the head tag, no free. A spte that is no longer found
 * (another clearer got there first) is a no-op, not a BUG.
 */
import { cmpxchg, type KGen, load, store } from "../runtime/step";
import type { Kvm } from "./kvm";
import { desc_more, desc_spte } from "./pte_list";

/**
 * PTE_LIST_SPTE_SKIP [R]: (u64 *)(~0ul & ~1). DEVIATION: 32 bits wide here
 * (all values are 31-bit safe integers otherwise). Non-NULL, bit 0 clear, and
 * never a valid (8-byte aligned, allocated) spte address.
 */
export const PTE_LIST_SPTE_SKIP = 0xfffffffe;

/**
 * The cell of the list at pte_list that holds spte (the head in the direct
 * form, else a desc entry), or 0 when no cell does. Reads only; [I] helper of
 * pte_list_clear_concurrently, whose walk is not in any public source.
 */
export function* pte_list_find_entry(kvm: Kvm, spte: number, pte_list: number): KGen<{ cell: number; kind: "rmap" | "pte_list_desc" } | null> {
  const head = yield load(pte_list, "rmap", "pte_list_clear_concurrently: load *pte_list");
  if (!head) return null;
  if (!(head & 1)) return head === spte ? { cell: pte_list, kind: "rmap" } : null;
  let desc = head & ~1;
  while (desc) {
    for (let i = 0; i < kvm.cfg.PTE_LIST_EXT; ++i) {
      const e = yield load(desc_spte(desc, i), "pte_list_desc", `pte_list_clear_concurrently: load desc->sptes[${i}]`);
      if (!e) break;
      if (e === spte) return { cell: desc_spte(desc, i), kind: "pte_list_desc" };
    }
    desc = yield load(desc_more(kvm, desc), "pte_list_desc", "pte_list_clear_concurrently: load desc->more");
  }
  return null;
}

function where(kind: "rmap" | "pte_list_desc", cell: number, desc_base: number): string {
  return kind === "rmap" ? "*pte_list" : `desc->sptes[${(cell - desc_base) / 8}]`;
}

/** pte_list_clear_concurrently: the v3 reading, a plain store of SKIP. */
export function* pte_list_clear_concurrently(kvm: Kvm, spte: number, pte_list: number): KGen<void> {
  const e = yield* pte_list_find_entry(kvm, spte, pte_list);
  if (e === null) return;
  const base = kvm.mem.objectAt(e.cell)!.base;
  yield store(e.cell, e.kind, PTE_LIST_SPTE_SKIP, `pte_list_clear_concurrently: store ${where(e.kind, e.cell, base)} = SKIP`);
}

/**
 * Design variant v3-skip-cmpxchg: the same walk, with the entry reset done by
 * cmpxchg(entry, spte, SKIP) instead of a plain store.
 */
export function* pte_list_clear_concurrently_cmpxchg(kvm: Kvm, spte: number, pte_list: number): KGen<void> {
  const e = yield* pte_list_find_entry(kvm, spte, pte_list);
  if (e === null) return;
  const base = kvm.mem.objectAt(e.cell)!.base;
  yield cmpxchg(e.cell, e.kind, spte, PTE_LIST_SPTE_SKIP, `pte_list_clear_concurrently: cmpxchg ${where(e.kind, e.cell, base)}, spte, SKIP`);
}
