/**
 * Memslots and gfn -> rmap (include/linux/kvm_host.h, mmu.c v3.10; patch 04).
 *
 * Fields that never change after a memslot copy is created (base_gfn, npages,
 * userspace_addr, the rmap array pointers) are read without a scheduling
 * point: no interleaving can change them. The read still checks that the
 * memory is live, so reading a freed memslot is detected. flags and ops, and
 * kvm->memslots, are loads (one step each).
 */
import { KernelBug } from "./kernel_bug";
import { alloc, type KGen, load } from "../runtime/step";
import { WORD_BYTES } from "../runtime/memory";
import { fieldOf, init_field, KVM, KVM_NR_PAGE_SIZES, MEMSLOT, MEMSLOTS, type Kvm, RMAP_OPS_NORMAL } from "./kvm";

/** KVM_HPAGE_GFN_SHIFT(level) */
export function KVM_HPAGE_GFN_SHIFT(kvm: Kvm, level: number): number {
  return (level - 1) * kvm.cfg.levelShift;
}

/** gfn_to_index(gfn, base_gfn, level) */
export function gfn_to_index(kvm: Kvm, gfn: number, base_gfn: number, level: number): number {
  const s = KVM_HPAGE_GFN_SHIFT(kvm, level);
  return (gfn >> s) - (base_gfn >> s);
}

/** An immutable field of a memslot copy (no scheduling point; liveness checked). */
export function slot_field(kvm: Kvm, slot: number, off: number): number {
  return kvm.mem.read(fieldOf(slot, off), "memslot", "memslot field");
}

/** Number of rmap heads at `level` for a slot: gfn_to_index(last gfn) + 1. */
export function rmap_array_len(kvm: Kvm, base_gfn: number, npages: number, level: number): number {
  return kvm.sym.gfn_to_index(kvm, base_gfn + npages - 1, base_gfn, level) + 1;
}

/** __gfn_to_rmap(gfn, level, slot): &slot->arch.rmap[level - 1][idx] */
export function __gfn_to_rmap(kvm: Kvm, gfn: number, level: number, slot: number): number {
  if (!slot) throw new KernelBug("__gfn_to_rmap", "NULL pointer dereference: no memslot for gfn");
  const base = slot_field(kvm, slot, MEMSLOT.base_gfn);
  const idx = kvm.sym.gfn_to_index(kvm, gfn, base, level);
  const arr = slot_field(kvm, slot, MEMSLOT.rmap0 + level - 1);
  return arr + idx * WORD_BYTES;
}

/** kvm_memslots(kvm): srcu_dereference(kvm->memslots) */
export function* kvm_memslots(kvm: Kvm): KGen<number> {
  return yield load(kvm.field(KVM.memslots), "kvm", "kvm_memslots: load kvm->memslots");
}

/** The slots of one memslots array (immutable once installed). */
export function memslots_slots(kvm: Kvm, slots: number): number[] {
  const n = kvm.mem.read(fieldOf(slots, MEMSLOTS.nslots), "memslots", "kvm_memslots->nslots");
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(kvm.mem.read(fieldOf(slots, MEMSLOTS.slot0 + i), "memslots", "memslots[i]"));
  return out;
}

/** search_memslots / gfn_to_memslot: the slot containing gfn, or 0. */
export function* gfn_to_memslot(kvm: Kvm, gfn: number): KGen<number> {
  const slots = yield* kvm_memslots(kvm);
  for (const slot of memslots_slots(kvm, slots)) {
    const base = slot_field(kvm, slot, MEMSLOT.base_gfn);
    if (gfn >= base && gfn < base + slot_field(kvm, slot, MEMSLOT.npages)) return slot;
  }
  return 0;
}

/** gfn_to_rmap(kvm, &slot, gfn, level) as patch 04 changed it: also returns the slot. */
export function* gfn_to_rmap(kvm: Kvm, gfn: number, level: number): KGen<{ slot: number; rmapp: number }> {
  const slot = yield* gfn_to_memslot(kvm, gfn);
  return { slot, rmapp: kvm.sym.__gfn_to_rmap(kvm, gfn, level, slot) };
}

/**
 * kvm_arch_create_memslot + init_memslot_rmap_ops (patch 05): a new slot with
 * zeroed rmap arrays, one per level, and slot->arch.ops = &normal_rmap_ops.
 * Runs before the slot is installed, so its stores race with nobody.
 */
export function* kvm_arch_create_memslot(
  kvm: Kvm,
  id: number,
  base_gfn: number,
  npages: number,
  userspace_addr: number,
): KGen<number> {
  const slot = yield alloc("memslot", MEMSLOT.WORDS, "kvm_arch_create_memslot: alloc memslot");
  kvm.mem.objectAt(slot)!.tag = id; // ghost: which slot id an object belongs to, for checkers
  init_field(kvm, slot, MEMSLOT.base_gfn, "memslot", base_gfn);
  init_field(kvm, slot, MEMSLOT.npages, "memslot", npages);
  init_field(kvm, slot, MEMSLOT.userspace_addr, "memslot", userspace_addr);
  init_field(kvm, slot, MEMSLOT.id, "memslot", id);
  for (let level = 1; level <= KVM_NR_PAGE_SIZES; level++) {
    const arr = yield alloc("rmap", rmap_array_len(kvm, base_gfn, npages, level), `kvm_arch_create_memslot: alloc rmap[${level - 1}]`);
    kvm.mem.objectAt(arr)!.tag = id;
    kvm.mem.objectAt(arr)!.tag2 = level;
    init_field(kvm, slot, MEMSLOT.rmap0 + level - 1, "memslot", arr);
  }
  yield* kvm.sym.init_memslot_rmap_ops(kvm, slot);
  return slot;
}

/** init_memslot_rmap_ops (patch 05, [C] from the 07 hunk context). */
export function* init_memslot_rmap_ops(kvm: Kvm, slot: number): KGen<void> {
  init_field(kvm, slot, MEMSLOT.ops, "memslot", RMAP_OPS_NORMAL);
}

/**
 * The addresses of `n` consecutive rmap heads from `first` (hva_range_rmaps, memslot_level_rmaps).
 * No steps. A plain loop: Array.from with a callback is slow on an array-like, and these run at
 * every level of every notifier call and slot walk. Kept last in the file, so that the impl/
 * file:line of every step a counterexample prints stays where it was.
 */
export function rmap_head_run(first: number, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(first + k * 8);
  return out;
}
