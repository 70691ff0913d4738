/**
 * Ghost reads of the implementation's state for checkers: installed slots and
 * their rmap heads, live shadow pages and their sptes. No scheduling points.
 *
 * Where a structure's fields sit in simulated memory (impl/kvm.ts's layouts,
 * and the value slot->arch.ops holds for invalid_rmap_ops) is the
 * simulation's own representation and is read from impl/. What the fields
 * mean (how many rmap heads a level has) comes from the model's geometry.
 */
import { fieldOf, KVM, type Kvm, MEMSLOT, MEMSLOTS, MMU_PAGE, RMAP_OPS_INVALID } from "../../../impl/kvm";
import { LEVELS, rmapCount } from "../../../model/geometry";
import type { Geometry } from "../../../model/state";
import { WORD_BYTES } from "../../../runtime/memory";

/** The model's geometry of a VM's configuration. */
export function geometryOf(kvm: Kvm): Geometry {
  return { levelShift: kvm.cfg.levelShift, sptesPerPage: kvm.cfg.sptesPerPage, adBits: kvm.cfg.adBits };
}

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
  const mem = kvm.mem;
  const baseGfn = mem.peek(fieldOf(slot, MEMSLOT.base_gfn));
  const npages = mem.peek(fieldOf(slot, MEMSLOT.npages));
  const geo = geometryOf(kvm);
  const extent = { baseGfn, npages };
  // Plain loops: this runs at every change of the installed memslots (Array.from with a callback is slower).
  const heads: number[][] = [];
  for (const level of LEVELS) {
    const arr = mem.peek(fieldOf(slot, MEMSLOT.rmap0 + level - 1));
    const n = rmapCount(geo, extent, level);
    const cells: number[] = [];
    for (let i = 0; i < n; i++) cells.push(arr + i * WORD_BYTES);
    heads.push(cells);
  }
  const f = (o: number): number => mem.peek(fieldOf(slot, o));
  return { addr: slot, id: f(MEMSLOT.id), baseGfn, npages, userspaceAddr: f(MEMSLOT.userspace_addr), invalid: f(MEMSLOT.ops) === RMAP_OPS_INVALID, heads };
}

/** The slots of the installed memslots array. */
export function installedSlots(kvm: Kvm): SlotInfo[] {
  const arr = kvm.mem.peek(kvm.field(KVM.memslots));
  if (arr === 0) return [];
  const n = kvm.mem.peek(fieldOf(arr, MEMSLOTS.nslots));
  const out: SlotInfo[] = [];
  for (let i = 0; i < n; i++) out.push(slotInfo(kvm, kvm.mem.peek(fieldOf(arr, MEMSLOTS.slot0 + i))));
  return out;
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
