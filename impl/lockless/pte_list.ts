/**
 * struct pte_list_desc and the rmap list operations (mmu.c, 6.15; spec §1.2-1.4).
 *
 * struct pte_list_desc { more; u32 spte_count; u32 tail_count; u64 *sptes[PTE_LIST_EXT]; }
 * DEVIATION: spte_count and tail_count are one word each. "If a descriptor is
 * full and a new SPTEs needs to be added, a new descriptor is allocated and
 * becomes the head of the list. This means that by definitions, all tail
 * descriptors are full." Removal fills the hole with the head's last entry, so
 * tails stay full and tail_count stays stable. Descs come zeroed from the
 * vCPU's mmu_pte_list_desc_cache (__GFP_ZERO): the iterator relies on unused
 * slots being NULL. Every list operation holds mmu_lock for write and the
 * rmap lock, and writes rmap_head->val once, at its unlock.
 */
import { alloc, free, type KGen, load, store } from "../../runtime/step";
import { KernelBug } from "../kernel_bug";
import { fieldOf, KIND, type Kvm } from "./kvm";
import { KVM_RMAP_MANY } from "./rmap_lock";

export const desc_more = (desc: number): number => fieldOf(desc, 0);
export const desc_spte_count = (desc: number): number => fieldOf(desc, 1);
export const desc_tail_count = (desc: number): number => fieldOf(desc, 2);
export const desc_sptes = (desc: number, i: number): number => fieldOf(desc, 3 + i);

const hex = (n: number): string => `0x${n.toString(16)}`;

/** kvm_mmu_memory_cache_alloc(&vcpu->arch.mmu_pte_list_desc_cache): a zeroed desc. */
export function* kvm_mmu_memory_cache_alloc(kvm: Kvm): KGen<number> {
  return yield alloc(KIND.desc, 3 + kvm.cfg.PTE_LIST_EXT, "kvm_mmu_memory_cache_alloc: pte_list_desc");
}

/** mmu_free_pte_list_desc: kmem_cache_free, not RCU-deferred. */
export function* mmu_free_pte_list_desc(kvm: Kvm, desc: number): KGen<void> {
  yield free(desc, KIND.desc, "mmu_free_pte_list_desc: kmem_cache_free(pte_list_desc_cache, desc)");
}

/**
 * The full head's replacement in pte_list_add: a new head desc whose `more` is
 * the old head and whose tail_count counts every entry behind it.
 * DEVIATION: a function of its own so that a mutant can replace this step alone.
 */
export function* pte_list_desc_new_head(kvm: Kvm, old_head: number, count: number): KGen<number> {
  const desc = yield* kvm.sym.kvm_mmu_memory_cache_alloc(kvm);
  yield store(desc_more(desc), KIND.desc, old_head, "pte_list_add: desc->more = old head");
  yield store(desc_spte_count(desc), KIND.desc, 0, "pte_list_add: desc->spte_count = 0");
  yield store(desc_tail_count(desc), KIND.desc, count, "pte_list_add: desc->tail_count = count");
  return desc;
}

/** pte_list_add: returns the number of entries before the new one. */
export function* pte_list_add(kvm: Kvm, spte: number, rmap_head: number): KGen<number> {
  let count = 0;
  let new_val: number;
  const old_val = yield* kvm.sym.kvm_rmap_lock(kvm, rmap_head);
  if (!old_val) {
    new_val = spte;
  } else if (!(old_val & KVM_RMAP_MANY)) {
    const desc = yield* kvm.sym.kvm_mmu_memory_cache_alloc(kvm);
    yield store(desc_sptes(desc, 0), KIND.desc, old_val, "pte_list_add: desc->sptes[0] = old_val");
    yield store(desc_sptes(desc, 1), KIND.desc, spte, "pte_list_add: desc->sptes[1] = spte");
    yield store(desc_spte_count(desc), KIND.desc, 2, "pte_list_add: desc->spte_count = 2");
    yield store(desc_tail_count(desc), KIND.desc, 0, "pte_list_add: desc->tail_count = 0");
    new_val = desc | KVM_RMAP_MANY;
    ++count;
  } else {
    let desc = old_val & ~KVM_RMAP_MANY;
    let n = yield load(desc_spte_count(desc), KIND.desc, "pte_list_add: load desc->spte_count");
    count = (yield load(desc_tail_count(desc), KIND.desc, "pte_list_add: load desc->tail_count")) + n;
    if (n === kvm.cfg.PTE_LIST_EXT) {
      desc = yield* kvm.sym.pte_list_desc_new_head(kvm, old_val & ~KVM_RMAP_MANY, count);
      new_val = desc | KVM_RMAP_MANY;
      n = 0;
    } else {
      new_val = old_val;
    }
    yield store(desc_sptes(desc, n), KIND.desc, spte, `pte_list_add: desc->sptes[${n}] = spte`);
    yield store(desc_spte_count(desc), KIND.desc, n + 1, "pte_list_add: desc->spte_count++");
  }
  yield* kvm.sym.kvm_rmap_unlock(kvm, rmap_head, new_val);
  return count;
}

/** The rmap value a removal works on (the kernel passes `unsigned long *rmap_val`). */
export interface RmapVal {
  v: number;
}

/**
 * The tail of pte_list_desc_remove_entry once the head desc is empty: point
 * the rmap at the next desc (or nothing), then free the old head.
 * DEVIATION: a function of its own so that a mutant can replace it alone.
 */
export function* pte_list_desc_drop_head(kvm: Kvm, rmap_val: RmapVal, head_desc: number): KGen<void> {
  const more = yield load(desc_more(head_desc), KIND.desc, "pte_list_desc_remove_entry: load head_desc->more");
  rmap_val.v = more ? more | KVM_RMAP_MANY : 0;
  yield* kvm.sym.mmu_free_pte_list_desc(kvm, head_desc);
}

/** pte_list_desc_remove_entry: fill the hole at desc->sptes[i] with the head's last entry. */
export function* pte_list_desc_remove_entry(kvm: Kvm, rmap_val: RmapVal, desc: number, i: number): KGen<void> {
  const head_desc = rmap_val.v & ~KVM_RMAP_MANY;
  const j = (yield load(desc_spte_count(head_desc), KIND.desc, "pte_list_desc_remove_entry: load head_desc->spte_count")) - 1;
  if (j < 0) throw new KernelBug("pte_list_desc_remove_entry", "KVM_BUG_ON_DATA_CORRUPTION(j < 0): the head descriptor is empty");
  const last = yield load(desc_sptes(head_desc, j), KIND.desc, `pte_list_desc_remove_entry: load head_desc->sptes[${j}]`);
  yield store(desc_sptes(desc, i), KIND.desc, last, `pte_list_desc_remove_entry: desc->sptes[${i}] = head_desc->sptes[${j}]`);
  yield store(desc_sptes(head_desc, j), KIND.desc, 0, `pte_list_desc_remove_entry: head_desc->sptes[${j}] = NULL`);
  yield store(desc_spte_count(head_desc), KIND.desc, j, "pte_list_desc_remove_entry: head_desc->spte_count--");
  if (j) return;
  yield* kvm.sym.pte_list_desc_drop_head(kvm, rmap_val, head_desc);
}

/**
 * pte_list_remove: KVM_BUG_ON_DATA_CORRUPTION when spte is not on the list.
 * DEVIATION (U4, issue 20): without CONFIG_BUG_ON_DATA_CORRUPTION the kernel
 * WARNs, marks the VM bugged (kvm_vm_bugged: vCPUs kicked out, later ioctls
 * fail) and goes on to `out:`, where it still unlocks the rmap with the value
 * it holds; with it, it BUGs. Here the run stops at the corruption with a
 * KernelBug (reported as a violation), so what follows it is not explored.
 */
export function* pte_list_remove(kvm: Kvm, spte: number, rmap_head: number): KGen<void> {
  const rmap_val: RmapVal = { v: yield* kvm.sym.kvm_rmap_lock(kvm, rmap_head) };
  if (!rmap_val.v) throw new KernelBug("pte_list_remove", `KVM_BUG_ON_DATA_CORRUPTION(!rmap_val): ${hex(spte)} on an empty rmap`);
  if (!(rmap_val.v & KVM_RMAP_MANY)) {
    if (rmap_val.v !== spte) throw new KernelBug("pte_list_remove", `KVM_BUG_ON_DATA_CORRUPTION: single entry ${hex(rmap_val.v)} is not ${hex(spte)}`);
    rmap_val.v = 0;
  } else if (!(yield* kvm.sym.pte_list_remove_from_descs(kvm, rmap_val, spte))) {
    throw new KernelBug("pte_list_remove", `KVM_BUG_ON_DATA_CORRUPTION: ${hex(spte)} is in no desc`);
  }
  yield* kvm.sym.kvm_rmap_unlock(kvm, rmap_head, rmap_val.v);
}

/**
 * pte_list_remove's walk of a MANY list: find spte (i < desc->spte_count) and
 * remove it. DEVIATION: the loop is a function of its own (the kernel's is
 * inline) so that the list walk reads as one unit.
 */
export function* pte_list_remove_from_descs(kvm: Kvm, rmap_val: RmapVal, spte: number): KGen<boolean> {
  let desc = rmap_val.v & ~KVM_RMAP_MANY;
  while (desc) {
    const n = yield load(desc_spte_count(desc), KIND.desc, "pte_list_remove: load desc->spte_count");
    for (let i = 0; i < n; ++i) {
      if ((yield load(desc_sptes(desc, i), KIND.desc, `pte_list_remove: load desc->sptes[${i}]`)) === spte) {
        yield* kvm.sym.pte_list_desc_remove_entry(kvm, rmap_val, desc, i);
        return true;
      }
    }
    desc = yield load(desc_more(desc), KIND.desc, "pte_list_remove: load desc->more");
  }
  return false;
}

/** kvm_zap_all_rmap_sptes: clear every spte, free every desc, unlock to 0. True if the rmap was not empty. */
export function* kvm_zap_all_rmap_sptes(kvm: Kvm, rmap_head: number): KGen<boolean> {
  const rmap_val = yield* kvm.sym.kvm_rmap_lock(kvm, rmap_head);
  if (!rmap_val) return false;
  if (!(rmap_val & KVM_RMAP_MANY)) {
    yield* kvm.sym.mmu_spte_clear_track_bits(kvm, rmap_val);
  } else {
    for (let desc = rmap_val & ~KVM_RMAP_MANY, next = 0; desc; desc = next) {
      const n = yield load(desc_spte_count(desc), KIND.desc, "kvm_zap_all_rmap_sptes: load desc->spte_count");
      for (let i = 0; i < n; i++) {
        yield* kvm.sym.mmu_spte_clear_track_bits(kvm, yield load(desc_sptes(desc, i), KIND.desc, `kvm_zap_all_rmap_sptes: load desc->sptes[${i}]`));
      }
      next = yield load(desc_more(desc), KIND.desc, "kvm_zap_all_rmap_sptes: load desc->more");
      yield* kvm.sym.mmu_free_pte_list_desc(kvm, desc);
    }
  }
  yield* kvm.sym.kvm_rmap_unlock(kvm, rmap_head, 0);
  return true;
}
