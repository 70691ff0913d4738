/**
 * The pte list ("rmap") and struct pte_list_desc, arch/x86/kvm/mmu.c v3.10.
 *
 * An rmap head is one word:
 *   0                  empty
 *   bit 0 clear, != 0  the address of the only spte (direct form)
 *   bit 0 set          (head & ~1) is the first struct pte_list_desc
 * struct pte_list_desc { u64 *sptes[PTE_LIST_EXT]; struct pte_list_desc *more; }
 * The non-NULL entries of a desc are a prefix of sptes[]; linked descs are
 * never empty; removal back-fills within one desc and frees emptied descs.
 * None of this is safe without mmu_lock: removal moves entries and frees memory.
 */
import { KernelBug } from "./kernel_bug";
import { alloc, free, type KGen, load, store } from "../runtime/step";
import { hex } from "./hex";
import { fieldOf, type Kvm } from "./kvm";

/** Address of desc->sptes[i]. */
export function desc_spte(desc: number, i: number): number {
  return fieldOf(desc, i);
}

/** Address of desc->more. */
export function desc_more(kvm: Kvm, desc: number): number {
  return fieldOf(desc, kvm.cfg.PTE_LIST_EXT);
}

/** mmu_alloc_pte_list_desc: from the vCPU's memory cache; zeroed. */
export function* mmu_alloc_pte_list_desc(kvm: Kvm): KGen<number> {
  return yield alloc("pte_list_desc", kvm.cfg.PTE_LIST_EXT + 1, "mmu_alloc_pte_list_desc: alloc desc");
}

/** mmu_free_pte_list_desc: kmem_cache_free(pte_list_desc_cache, desc). */
export function* mmu_free_pte_list_desc(kvm: Kvm, desc: number): KGen<void> {
  yield free(desc, "pte_list_desc", "mmu_free_pte_list_desc: free desc");
}

/**
 * (unsigned long)desc | 1: the head or `more`-less word that names a desc.
 * DEVIATION: a function instead of the kernel's inline expression, so that a
 * mutant can replace the encoding alone.
 */
export function desc_to_rmap_head(kvm: Kvm, desc: number): number {
  return desc | 1;
}

/**
 * Is the desc full (desc->sptes[PTE_LIST_EXT - 1] != NULL)? One load.
 * DEVIATION: the kernel tests this inline, twice; one function here so a
 * mutant can replace the test alone.
 */
export function* pte_list_desc_is_full(kvm: Kvm, desc: number): KGen<boolean> {
  const EXT = kvm.cfg.PTE_LIST_EXT;
  return (yield load(desc_spte(desc, EXT - 1), "pte_list_desc", `pte_list_add: load desc->sptes[${EXT - 1}]`)) !== 0;
}

/**
 * pte_list_add: add spte to the list at pte_list. Returns the number of
 * entries counted before the new one, with the kernel's quirk: the entries of
 * a full desc at which the walk stops are not counted (spec §1.2).
 * The head is loaded once (the kernel's repeated *pte_list reads are not volatile).
 * As in the kernel, the scan for a free entry is not bounded by
 * PTE_LIST_EXT: the walk guarantees the desc it stops at has one.
 */
export function* pte_list_add(kvm: Kvm, spte: number, pte_list: number): KGen<number> {
  const EXT = kvm.cfg.PTE_LIST_EXT;
  let count = 0;
  const head = yield load(pte_list, "rmap", "pte_list_add: load *pte_list");
  if (!head) {
    // 0->1
    yield store(pte_list, "rmap", spte, "pte_list_add: 0->1 store *pte_list = spte");
  } else if (!(head & 1)) {
    // 1->many
    const desc = yield* kvm.sym.mmu_alloc_pte_list_desc(kvm);
    yield store(desc_spte(desc, 0), "pte_list_desc", head, "pte_list_add: 1->many store desc->sptes[0]");
    yield store(desc_spte(desc, 1), "pte_list_desc", spte, "pte_list_add: 1->many store desc->sptes[1]");
    yield store(pte_list, "rmap", kvm.sym.desc_to_rmap_head(kvm, desc), "pte_list_add: 1->many store *pte_list = desc|1");
    ++count;
  } else {
    // many->many
    let desc = head & ~1;
    for (;;) {
      if (!(yield* kvm.sym.pte_list_desc_is_full(kvm, desc))) break;
      const more = yield load(desc_more(kvm, desc), "pte_list_desc", "pte_list_add: load desc->more");
      if (!more) {
        const fresh = yield* kvm.sym.mmu_alloc_pte_list_desc(kvm);
        yield store(desc_more(kvm, desc), "pte_list_desc", fresh, "pte_list_add: store desc->more = new desc");
        desc = fresh;
        break;
      }
      desc = more;
      count += EXT;
    }
    let i = 0;
    for (; ; ++i) {
      const e = yield load(desc_spte(desc, i), "pte_list_desc", `pte_list_add: load desc->sptes[${i}]`);
      if (!e) break;
      ++count;
    }
    yield store(desc_spte(desc, i), "pte_list_desc", spte, `pte_list_add: many->many store desc->sptes[${i}]`);
  }
  return count;
}

/**
 * The back-fill scan of pte_list_desc_remove_entry:
 *   for (j = PTE_LIST_EXT - 1; !desc->sptes[j] && j > i; --j) ;
 * returns j and desc->sptes[j]. DEVIATION: a function of its own so that a
 * mutant can replace the scan alone.
 */
export function* pte_list_desc_last_entry(kvm: Kvm, desc: number, i: number): KGen<{ j: number; moved: number }> {
  let j = kvm.cfg.PTE_LIST_EXT - 1;
  for (;;) {
    const moved = yield load(desc_spte(desc, j), "pte_list_desc", `pte_list_desc_remove_entry: load desc->sptes[${j}]`);
    if (moved || j <= i) return { j, moved };
    --j;
  }
}

/**
 * The tail of pte_list_desc_remove_entry once the desc is empty: unlink it
 * (from the head or from prev_desc->more), then free it. DEVIATION: a
 * function of its own so that a mutant can replace the tail alone.
 */
export function* pte_list_desc_unlink(kvm: Kvm, pte_list: number, desc: number, prev_desc: number): KGen<void> {
  const more = yield load(desc_more(kvm, desc), "pte_list_desc", "pte_list_desc_remove_entry: load desc->more");
  if (!prev_desc && !more) {
    const first = yield load(desc_spte(desc, 0), "pte_list_desc", "pte_list_desc_remove_entry: load desc->sptes[0]");
    yield store(pte_list, "rmap", first, "pte_list_desc_remove_entry: store *pte_list = desc->sptes[0]");
  } else if (prev_desc) {
    yield store(desc_more(kvm, prev_desc), "pte_list_desc", more, "pte_list_desc_remove_entry: store prev_desc->more");
  } else {
    yield store(pte_list, "rmap", kvm.sym.desc_to_rmap_head(kvm, more), "pte_list_desc_remove_entry: store *pte_list = desc->more|1");
  }
  yield* kvm.sym.mmu_free_pte_list_desc(kvm, desc);
}

/**
 * pte_list_desc_remove_entry: remove entry i of desc by moving the last
 * non-NULL entry of the same desc into it; unlink and free the desc if it
 * became empty.
 */
export function* pte_list_desc_remove_entry(kvm: Kvm, pte_list: number, desc: number, i: number, prev_desc: number): KGen<void> {
  const { j, moved } = yield* kvm.sym.pte_list_desc_last_entry(kvm, desc, i);
  yield store(desc_spte(desc, i), "pte_list_desc", moved, `pte_list_desc_remove_entry: store desc->sptes[${i}] = sptes[${j}]`);
  yield store(desc_spte(desc, j), "pte_list_desc", 0, `pte_list_desc_remove_entry: store desc->sptes[${j}] = NULL`);
  if (j === 0) yield* kvm.sym.pte_list_desc_unlink(kvm, pte_list, desc, prev_desc);
}

/** pte_list_remove: remove spte from the list; BUG()s when it is not there. */
export function* pte_list_remove(kvm: Kvm, spte: number, pte_list: number): KGen<void> {
  const EXT = kvm.cfg.PTE_LIST_EXT;
  const head = yield load(pte_list, "rmap", "pte_list_remove: load *pte_list");
  if (!head) throw new KernelBug("pte_list_remove", `${hex(spte)} 0->BUG`);
  if (!(head & 1)) {
    if (head !== spte) throw new KernelBug("pte_list_remove", `${hex(spte)} 1->BUG`);
    yield store(pte_list, "rmap", 0, "pte_list_remove: 1->0 store *pte_list = 0");
    return;
  }
  let desc = head & ~1;
  let prev_desc = 0;
  while (desc) {
    for (let i = 0; i < EXT; ++i) {
      const e = yield load(desc_spte(desc, i), "pte_list_desc", `pte_list_remove: load desc->sptes[${i}]`);
      if (!e) break;
      if (e === spte) {
        yield* kvm.sym.pte_list_desc_remove_entry(kvm, pte_list, desc, i, prev_desc);
        return;
      }
    }
    prev_desc = desc;
    desc = yield load(desc_more(kvm, desc), "pte_list_desc", "pte_list_remove: load desc->more");
  }
  throw new KernelBug("pte_list_remove", `${hex(spte)} many->many`);
}
