/**
 * Ghost reads of the implementation's state for checkers: installed slots and
 * their rmap heads, live shadow pages and their sptes. No scheduling points.
 */
import { fieldOf, KVM, type Kvm, KVM_NR_PAGE_SIZES, MEMSLOT, MEMSLOTS, MMU_PAGE, RMAP_OPS_INVALID } from "../impl/kvm";
import { rmap_array_len } from "../impl/memslot";
import { WORD_BYTES } from "../runtime/memory";

export interface SlotInfo {
  addr: number;
  id: number;
  baseGfn: number;
  npages: number;
  userspaceAddr: number;
  invalid: boolean;
  /** rmap head addresses per level (index 0 = level 1). */
  heads: number[][];
}

export function slotInfo(kvm: Kvm, slot: number): SlotInfo {
  const f = (o: number): number => kvm.mem.peek(fieldOf(slot, o));
  const baseGfn = f(MEMSLOT.base_gfn);
  const npages = f(MEMSLOT.npages);
  const heads: number[][] = [];
  for (let level = 1; level <= KVM_NR_PAGE_SIZES; level++) {
    const arr = f(MEMSLOT.rmap0 + level - 1);
    const n = rmap_array_len(kvm, baseGfn, npages, level);
    heads.push(Array.from({ length: n }, (_, i) => arr + i * WORD_BYTES));
  }
  return { addr: slot, id: f(MEMSLOT.id), baseGfn, npages, userspaceAddr: f(MEMSLOT.userspace_addr), invalid: f(MEMSLOT.ops) === RMAP_OPS_INVALID, heads };
}

/** The slots of the installed memslots array. */
export function installedSlots(kvm: Kvm): SlotInfo[] {
  const arr = kvm.mem.peek(kvm.field(KVM.memslots));
  if (arr === 0) return [];
  const n = kvm.mem.peek(fieldOf(arr, MEMSLOTS.nslots));
  return Array.from({ length: n }, (_, i) => slotInfo(kvm, kvm.mem.peek(fieldOf(arr, MEMSLOTS.slot0 + i))));
}

export interface SpInfo {
  addr: number;
  id: number;
  gfn: number;
  level: number;
  quadrant: number;
  gen: number;
  invalid: boolean;
  spt: number;
}

/** Live (not freed) shadow pages, in allocation order. */
export function liveSps(kvm: Kvm): SpInfo[] {
  return kvm.mem.live("mmu_page").map((o) => {
    const f = (off: number): number => kvm.mem.peek(fieldOf(o.base, off));
    return { addr: o.base, id: o.tag, gfn: f(MMU_PAGE.gfn), level: f(MMU_PAGE.level), quadrant: f(MMU_PAGE.quadrant), gen: f(MMU_PAGE.mmu_valid_gen), invalid: f(MMU_PAGE.invalid) !== 0, spt: f(MMU_PAGE.spt) };
  });
}
