/**
 * The memslot lifecycle: create, delete (v3.10 baseline and the v3 series),
 * free; and VM teardown. virt/kvm/kvm_main.c __kvm_set_memory_region v3.10,
 * with the series' kvm_arch_flush_shadow_memslot (patches 08, 09, 12, 13).
 *
 * Order of a DELETE in __kvm_set_memory_region (spec §1.11):
 *   1. copy the memslots, flag the slot KVM_MEMSLOT_INVALID in the copy,
 *      install the copy and synchronize_srcu: no vCPU translates through the
 *      slot any more, and no SRCU reader still holds the old array;
 *   2. kvm_arch_flush_shadow_memslot;
 *   3. install memslots without the slot, synchronize_srcu;
 *   4. kvm_arch_free_memslot.
 * The series' step 2 [I]: under mmu_lock bump mmu_valid_gen, reload remote
 * MMUs and switch the installed slot to invalid_rmap_ops; then, without
 * mmu_lock, unmap every rmap of the slot. Step 4 frees the descs without
 * mmu_lock (patch 09) before the head arrays.
 */
import { alloc, free, type KGen, load, spinLock, spinUnlock, srcuReadLock, srcuReadUnlock, store, synchronizeSrcu } from "../runtime/step";
import { reloadRemoteMmus, waitVcpusExit } from "./steps";
import { fieldOf, init_field, KVM, KVM_MEM_SLOTS_NUM, KVM_MEMSLOT_INVALID, KVM_NR_PAGE_SIZES, type Kvm, MEMSLOT, MEMSLOTS, RMAP_OPS_INVALID } from "./kvm";
import { kvm_memslots, memslots_slots, rmap_array_len, rmap_head_run, slot_field } from "./memslot";
import { for_each_gfn_sp, sp_level, sp_quadrant } from "./mmu_page";
import { desc_more } from "./pte_list";

/** kmemdup(kvm->memslots) with `slots` as its contents: a new memslots array. */
function* new_memslots(kvm: Kvm, slots: number[], who: string): KGen<number> {
  const arr = yield alloc("memslots", MEMSLOTS.slot0 + KVM_MEM_SLOTS_NUM, `${who}: kmemdup(kvm->memslots)`);
  init_field(kvm, arr, MEMSLOTS.nslots, "memslots", slots.length);
  for (let i = 0; i < slots.length; i++) init_field(kvm, arr, MEMSLOTS.slot0 + i, "memslots", slots[i]!);
  return arr;
}

/** install_new_memslots: rcu_assign_pointer(kvm->memslots, slots); synchronize_srcu_expedited. Returns the old array. */
export function* install_new_memslots(kvm: Kvm, slots: number): KGen<number> {
  const old = yield* kvm_memslots(kvm);
  yield store(kvm.field(KVM.memslots), "kvm", slots, "install_new_memslots: rcu_assign_pointer(kvm->memslots)");
  yield synchronizeSrcu("install_new_memslots: synchronize_srcu_expedited");
  return old;
}

/**
 * KVM_SET_USER_MEMORY_REGION, CREATE: a new slot installed next to the
 * existing ones. An id in use or overlapping gfns is refused (-EEXIST), as
 * __kvm_set_memory_region checks: returns 0 then, else the slot.
 */
export function* kvm_create_memslot(kvm: Kvm, id: number, base_gfn: number, npages: number, userspace_addr: number): KGen<number> {
  const cur = yield* kvm_memslots(kvm);
  const others = cur ? memslots_slots(kvm, cur) : [];
  for (const o of others) {
    const b = slot_field(kvm, o, MEMSLOT.base_gfn);
    if (slot_field(kvm, o, MEMSLOT.id) === id || (base_gfn < b + slot_field(kvm, o, MEMSLOT.npages) && b < base_gfn + npages)) return 0;
  }
  const slot = yield* kvm.sym.kvm_arch_create_memslot(kvm, id, base_gfn, npages, userspace_addr);
  const old = yield* install_new_memslots(kvm, yield* new_memslots(kvm, [...others, slot], "__kvm_set_memory_region"));
  if (old) yield free(old, "memslots", "__kvm_set_memory_region: kfree(old memslots)");
  return slot;
}

/** The installed slot with memslot id `id`, or 0. */
export function* id_to_memslot(kvm: Kvm, id: number): KGen<number> {
  const cur = yield* kvm_memslots(kvm);
  for (const slot of memslots_slots(kvm, cur)) if (slot_field(kvm, slot, MEMSLOT.id) === id) return slot;
  return 0;
}

/** Step 1 of DELETE: install a copy of the memslots in which `slot` is a copy flagged KVM_MEMSLOT_INVALID. */
export function* kvm_memslot_mark_invalid(kvm: Kvm, slot: number): KGen<number> {
  const copy = yield alloc("memslot", MEMSLOT.WORDS, "__kvm_set_memory_region: kmemdup(slot)");
  kvm.mem.objectAt(copy)!.tag = kvm.mem.objectAt(slot)!.tag;
  // The source is written only under slots_lock, which this thread holds.
  for (let f = 0; f < MEMSLOT.WORDS; f++) init_field(kvm, copy, f, "memslot", kvm.mem.read(fieldOf(slot, f), "memslot", "kmemdup"));
  init_field(kvm, copy, MEMSLOT.flags, "memslot", slot_field(kvm, slot, MEMSLOT.flags) | KVM_MEMSLOT_INVALID);
  const cur = yield* kvm_memslots(kvm);
  const slots = memslots_slots(kvm, cur).map((s) => (s === slot ? copy : s));
  const old = yield* install_new_memslots(kvm, yield* new_memslots(kvm, slots, "__kvm_set_memory_region"));
  yield free(old, "memslots", "__kvm_set_memory_region: kfree(old memslots)");
  return copy;
}

/** Step 3 of DELETE: install memslots without the slot. */
export function* install_without(kvm: Kvm, slot: number): KGen<void> {
  const cur = yield* kvm_memslots(kvm);
  const slots = memslots_slots(kvm, cur).filter((s) => s !== slot);
  const old = yield* install_new_memslots(kvm, yield* new_memslots(kvm, slots, "__kvm_set_memory_region"));
  yield free(old, "memslots", "__kvm_set_memory_region: kfree(old memslots)");
}

/**
 * kvm_mmu_invalidate_memslot_pages [I] (patch 12/13): under mmu_lock, make
 * every existing shadow page obsolete, reload all vCPUs' roots, and switch the
 * slots to invalid_rmap_ops. Then unmap their rmaps without mmu_lock.
 */
export function* kvm_mmu_invalidate_memslot_pages(kvm: Kvm, slots: number[]): KGen<void> {
  yield* kvm.sym.kvm_mmu_invalidate_memslot_pages_locked(kvm, slots);
  for (const slot of slots) yield* kvm.sym.unmap_memslot_rmap_nolock(kvm, slot);
}

/** The mmu_lock part of kvm_mmu_invalidate_memslot_pages. */
export function* kvm_mmu_invalidate_memslot_pages_locked(kvm: Kvm, slots: number[]): KGen<void> {
  yield spinLock("kvm_mmu_invalidate_memslot_pages: spin_lock(mmu_lock)");
  yield* kvm.sym.kvm_mmu_bump_valid_gen(kvm, "kvm_mmu_invalidate_memslot_pages");
  for (const slot of slots) yield* kvm.sym.switch_memslot_rmap_ops(kvm, slot);
  yield spinUnlock("kvm_mmu_invalidate_memslot_pages: spin_unlock(mmu_lock)");
}

/**
 * Patch 12 [I]: kvm->arch.mmu_valid_gen++ and kvm_reload_remote_mmus, under
 * mmu_lock: every existing shadow page becomes obsolete and no vCPU walks it
 * any more. `who` is the caller, for the labels. DEVIATION: a function of its
 * own (written in each caller in the series) so that a mutant can replace it alone.
 */
export function* kvm_mmu_bump_valid_gen(kvm: Kvm, who: string): KGen<void> {
  const gen = yield load(kvm.field(KVM.mmu_valid_gen), "kvm", `${who}: load kvm->arch.mmu_valid_gen`);
  yield store(kvm.field(KVM.mmu_valid_gen), "kvm", gen + 1, `${who}: kvm->arch.mmu_valid_gen++`);
  yield reloadRemoteMmus(`${who}: kvm_reload_remote_mmus`);
}

/** slot->arch.ops = &invalid_rmap_ops (under mmu_lock). */
export function* switch_memslot_rmap_ops(kvm: Kvm, slot: number): KGen<void> {
  yield store(fieldOf(slot, MEMSLOT.ops), "memslot", RMAP_OPS_INVALID, "kvm_mmu_invalidate_memslot_pages: slot->arch.ops = &invalid_rmap_ops");
}

/**
 * The rmap heads of one level of a slot, first to last: the slot walk of
 * unmap_memslot_rmap_nolock and free_meslot_rmap_desc_nolock. No steps: the
 * slot's geometry and array pointers never change once it is created.
 */
export function memslot_level_rmaps(kvm: Kvm, slot: number, level: number): number[] {
  const base = slot_field(kvm, slot, MEMSLOT.base_gfn);
  const npages = slot_field(kvm, slot, MEMSLOT.npages);
  const arr = slot_field(kvm, slot, MEMSLOT.rmap0 + level - 1);
  return rmap_head_run(arr, rmap_array_len(kvm, base, npages, level));
}

/** Patch 08 [I]: every level, every index of the slot, without mmu_lock. */
export function* unmap_memslot_rmap_nolock(kvm: Kvm, slot: number): KGen<void> {
  for (let level = 1; level <= KVM_NR_PAGE_SIZES; level++) yield* kvm.sym.unmap_memslot_level_nolock(kvm, slot, level);
}

/** One level of unmap_memslot_rmap_nolock. DEVIATION: the level loop's body as a function, so that a mutant can replace it alone. */
export function* unmap_memslot_level_nolock(kvm: Kvm, slot: number, level: number): KGen<void> {
  for (const rmapp of memslot_level_rmaps(kvm, slot, level)) yield* kvm.sym.kvm_unmap_invalid_rmapp_nolock(kvm, rmapp);
}

/**
 * free_meslot_rmap_desc_nolock (patch 09, the typo is the patch's): free every
 * desc chain hanging off the slot's heads, without mmu_lock. Safe only when the
 * slot is unreachable and no unmapper is walking it.
 */
export function* free_meslot_rmap_desc_nolock(kvm: Kvm, slot: number): KGen<void> {
  for (let level = 1; level <= KVM_NR_PAGE_SIZES; level++) {
    for (const rmapp of memslot_level_rmaps(kvm, slot, level)) {
      const head = yield load(rmapp, "rmap", "free_meslot_rmap_desc_nolock: load *rmapp");
      if (!(head & 1)) continue;
      let desc = head & ~1;
      while (desc) {
        const more = yield load(desc_more(kvm, desc), "pte_list_desc", "free_meslot_rmap_desc_nolock: load desc->more");
        yield* kvm.sym.mmu_free_pte_list_desc(kvm, desc);
        desc = more;
      }
      yield store(rmapp, "rmap", 0, "free_meslot_rmap_desc_nolock: store *rmapp = 0");
    }
  }
}

/** kvm_arch_free_memslot: free the head arrays (it does not walk the heads). */
export function* kvm_arch_free_memslot(kvm: Kvm, slot: number): KGen<void> {
  for (let level = 1; level <= KVM_NR_PAGE_SIZES; level++) {
    const arr = slot_field(kvm, slot, MEMSLOT.rmap0 + level - 1);
    yield free(arr, "rmap", `kvm_arch_free_memslot: kvm_kvfree(rmap[${level - 1}])`);
  }
}

/** v3: KVM_SET_USER_MEMORY_REGION, DELETE, with the lock-free invalid-rmap unmap. */
export function* kvm_delete_memslot(kvm: Kvm, id: number): KGen<number> {
  const slot = yield* id_to_memslot(kvm, id);
  if (!slot) return 0;
  const invalid = yield* kvm.sym.kvm_memslot_mark_invalid(kvm, slot);
  yield* kvm.sym.kvm_arch_flush_shadow_memslot(kvm, invalid);
  yield* kvm_memslot_remove(kvm, slot, invalid);
  return 1;
}

/** Steps 3 and 4 of DELETE: uninstall the invalid copy, free the rmaps and both slot structs. */
export function* kvm_memslot_remove(kvm: Kvm, slot: number, invalid: number): KGen<void> {
  yield* install_without(kvm, invalid);
  yield* kvm.sym.kvm_free_memslot(kvm, invalid);
  yield free(slot, "memslot", "__kvm_set_memory_region: kfree(old slot)");
  yield free(invalid, "memslot", "__kvm_set_memory_region: kfree(invalid slot copy)");
}

/** kvm_arch_flush_shadow_memslot (v3): the series' invalidation of one slot. */
export function* kvm_arch_flush_shadow_memslot(kvm: Kvm, slot: number): KGen<void> {
  yield* kvm.sym.kvm_mmu_invalidate_memslot_pages(kvm, [slot]);
}

/** kvm_free_physmem_slot -> free_meslot_rmap_desc_nolock + kvm_arch_free_memslot. */
export function* kvm_free_memslot(kvm: Kvm, slot: number): KGen<void> {
  yield* kvm.sym.free_meslot_rmap_desc_nolock(kvm, slot);
  yield* kvm.sym.kvm_arch_free_memslot(kvm, slot);
}

/**
 * kvm_destroy_vm, reduced: mmu_notifier release -> kvm_arch_flush_shadow_all
 * (every slot's rmaps are invalid: "all memslot will be deleted soon"), zap
 * every shadow page, then kvm_free_physmem.
 */
export function* kvm_destroy_vm(kvm: Kvm): KGen<void> {
  yield waitVcpusExit("kvm_put_kvm: last reference dropped (every vCPU has exited)");
  const cur = yield* kvm_memslots(kvm);
  const slots = memslots_slots(kvm, cur);
  yield* kvm.sym.kvm_arch_flush_shadow_all(kvm, slots);
  yield* kvm.sym.kvm_mmu_zap_all(kvm);
  yield* install_new_memslots(kvm, yield* new_memslots(kvm, [], "kvm_free_physmem"));
  for (const slot of slots) {
    yield* kvm.sym.kvm_free_memslot(kvm, slot);
    yield free(slot, "memslot", "kvm_free_physmem: kfree(slot)");
  }
  yield free(cur, "memslots", "kvm_free_physmem: kfree(memslots)");
}

/** kvm_arch_flush_shadow_all (v3): every slot goes through the invalid path. */
export function* kvm_arch_flush_shadow_all(kvm: Kvm, slots: number[]): KGen<void> {
  yield* kvm.sym.kvm_mmu_invalidate_memslot_pages(kvm, slots);
}

/** kvm_mmu_zap_all (v3.10): zap every shadow page under mmu_lock, one commit, no lock-break. */
export function* kvm_mmu_zap_all(kvm: Kvm): KGen<void> {
  const invalid_list: number[] = [];
  yield spinLock("kvm_mmu_zap_all: spin_lock(mmu_lock)");
  while (kvm.active_mmu_pages.length > 0) yield* kvm.sym.kvm_mmu_prepare_zap_page(kvm, kvm.active_mmu_pages[0]!, invalid_list);
  yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, invalid_list);
  yield spinUnlock("kvm_mmu_zap_all: spin_unlock(mmu_lock)");
}

/**
 * A zap of one shadow page as mmu_shrink reclaims it (v3.10 mmu_shrink takes
 * srcu_read_lock, then mmu_lock): prepare + commit.
 */
export function* kvm_mmu_zap_page(kvm: Kvm, gfn: number, level: number, quadrant: number, which: "oldest" | "newest"): KGen<number> {
  yield srcuReadLock("mmu_shrink: srcu_read_lock");
  yield spinLock("mmu_shrink: spin_lock(mmu_lock)");
  const zapped = yield* kvm.sym.mmu_shrink_locked(kvm, gfn, level, quadrant, which);
  yield spinUnlock("mmu_shrink: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("mmu_shrink: srcu_read_unlock");
  return zapped;
}

/**
 * What mmu_shrink does for one VM under mmu_lock: prepare the zap of a page
 * and commit it. DEVIATION: a function of its own, so that 3.11's
 * "reclaim the zapped-obsolete page first" wraps it (impl/zap_obsolete.ts).
 */
export function* mmu_shrink_locked(kvm: Kvm, gfn: number, level: number, quadrant: number, which: "oldest" | "newest"): KGen<number> {
  const invalid_list: number[] = [];
  const zapped = yield* kvm.sym.kvm_mmu_remove_some_alloc_mmu_pages(kvm, gfn, level, quadrant, which, invalid_list);
  yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, invalid_list);
  return zapped;
}

/**
 * kvm_mmu_remove_some_alloc_mmu_pages: prepare the zap of one page onto
 * invalid_list; 1 if there was one. DEVIATION: the page is chosen by (gfn,
 * level, quadrant) and oldest/newest instead of from the tail of active_mmu_pages.
 */
export function* kvm_mmu_remove_some_alloc_mmu_pages(kvm: Kvm, gfn: number, level: number, quadrant: number, which: "oldest" | "newest", invalid_list: number[]): KGen<number> {
  const pages = for_each_gfn_sp(kvm, gfn).filter((sp) => sp_level(kvm, sp) === level && sp_quadrant(kvm, sp) === quadrant);
  const sp = which === "oldest" ? pages[pages.length - 1] : pages[0];
  if (sp === undefined) return 0;
  yield* kvm.sym.kvm_mmu_prepare_zap_page(kvm, sp, invalid_list);
  return 1;
}

/**
 * kvm_mmu_invalid_all_pages [I] (patches 12/15): make every shadow page
 * obsolete by bumping the generation, and reload all vCPUs' roots. The
 * obsolete pages stay, with their rmap entries, until reclaimed.
 */
export function* kvm_mmu_invalid_all_pages(kvm: Kvm): KGen<void> {
  yield spinLock("kvm_mmu_invalid_all_pages: spin_lock(mmu_lock)");
  yield* kvm.sym.kvm_mmu_bump_valid_gen(kvm, "kvm_mmu_invalid_all_pages");
  yield spinUnlock("kvm_mmu_invalid_all_pages: spin_unlock(mmu_lock)");
}
