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

/** pte_list_clear_concurrently: find the entry holding spte, then reset it in place. */
export function* pte_list_clear_concurrently(kvm: Kvm, spte: number, pte_list: number): KGen<void> {
  const e = yield* pte_list_find_entry(kvm, spte, pte_list);
  if (e !== null) yield* kvm.sym.pte_list_reset_entry(kvm, e.cell, e.kind, spte);
}

/** Where an entry sits, as the labels print it: *pte_list, or desc->sptes[i]. */
export function entry_name(kvm: Kvm, cell: number, kind: "rmap" | "pte_list_desc"): string {
  return kind === "rmap" ? "*pte_list" : `desc->sptes[${(cell - kvm.mem.objectAt(cell)!.base) / 8}]`;
}

/**
 * The reset of the entry at `cell` (which held spte) to PTE_LIST_SPTE_SKIP:
 * the v3 reading, a plain store (spec §2.3: store or cmpxchg is unknown; the
 * design v3-skip-cmpxchg runs the other). DEVIATION: a function of its own so
 * that a design or a mutant can replace the reset alone.
 */
export function* pte_list_reset_entry(kvm: Kvm, cell: number, kind: "rmap" | "pte_list_desc", spte: number): KGen<void> {
  yield store(cell, kind, PTE_LIST_SPTE_SKIP, `pte_list_clear_concurrently: store ${entry_name(kvm, cell, kind)} = SKIP`);
}

/** Design v3-skip-cmpxchg: the reset done by cmpxchg(entry, spte, SKIP). */
export function* pte_list_reset_entry_cmpxchg(kvm: Kvm, cell: number, kind: "rmap" | "pte_list_desc", spte: number): KGen<void> {
  yield cmpxchg(cell, kind, spte, PTE_LIST_SPTE_SKIP, `pte_list_clear_concurrently: cmpxchg ${entry_name(kvm, cell, kind)}, spte, SKIP`);
}
