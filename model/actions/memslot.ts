/**
 * The memslot lifecycle. What a DELETE must achieve is design-independent:
 * afterwards no spte maps the slot and its rmaps are gone. How it gets there
 * differs: the v3.10 baseline zaps every shadow page; the v3 series makes every
 * page obsolete and unmaps only the slot's sptes; 3.11 makes every page
 * obsolete and zaps the obsolete pages (which, run alone, is every page).
 */
import { gfnToIndex } from "../geometry";
import { type ModelState, rmapKey, type Slot } from "../state";
import { dropRmap } from "./primitives";
import type { Result } from "./result";
import { zapAll, zapObsolete } from "./shadow_page";

/**
 * zap-all: every page zapped (v3.10; 5.3 with lock-breaks); invalidate: pages
 * made obsolete, the slot's rmaps unmapped (v3); zap-obsolete: pages made
 * obsolete, then every obsolete page zapped (3.11).
 */
export type FlushStyle = "zap-all" | "invalidate" | "zap-obsolete";

/** KVM_SET_USER_MEMORY_REGION, CREATE; refused (ret 0, nothing changes) for an id in use or overlapping gfns. */
export function createSlot(s: ModelState, slot: Omit<Slot, "rmaps">): Result {
  for (const o of s.slots.values()) {
    if (o.id === slot.id || (slot.baseGfn < o.baseGfn + o.npages && o.baseGfn < slot.baseGfn + slot.npages)) return { s, ret: 0 };
  }
  const slots = new Map(s.slots);
  slots.set(slot.id, { ...slot, rmaps: "valid" });
  return { s: { ...s, slots }, ret: slot.id };
}

/** Unmap every rmap of a slot (the lock-free unmapper's net effect). */
function unmapSlot(s0: ModelState, id: number): ModelState {
  let s = s0;
  for (const key of [...s0.rmaps.keys()]) if (key.startsWith(`${id}:`)) s = dropRmap(s, key).s;
  return s;
}

function removeSlot(s: ModelState, id: number): ModelState {
  const slots = new Map(s.slots);
  slots.delete(id);
  return { ...s, slots };
}

/** v3 DELETE, first half: the slot's rmaps become invalid and every page obsolete. */
export function beginDeleteSlot(s: ModelState, id: number): Result {
  const slot = s.slots.get(id);
  if (slot === undefined) return { s, ret: 0 };
  const slots = new Map(s.slots);
  slots.set(id, { ...slot, rmaps: "invalid" });
  return { s: { ...s, slots, gen: s.gen + 1 }, ret: 1 };
}

/** v3 DELETE, the lock-free unmap of an invalid slot. */
export function unmapInvalidSlot(s: ModelState, id: number): Result {
  return { s: unmapSlot(s, id), ret: 0 };
}

/** The lock-free unmap of the one rmap of slot `id` that gfn maps to at `level`. */
export function unmapInvalidRmap(s: ModelState, id: number, gfn: number, level: number): Result {
  const slot = s.slots.get(id);
  if (slot === undefined || gfn < slot.baseGfn || gfn >= slot.baseGfn + slot.npages) return { s, ret: 0 };
  return { s: dropRmap(s, rmapKey(id, level, gfnToIndex(s.geo, gfn, slot.baseGfn, level))).s, ret: 0 };
}

/** v3 DELETE, last half: uninstall and free. Precondition: nothing maps the slot. */
export function finishDeleteSlot(s: ModelState, id: number): Result {
  return { s: removeSlot(s, id), ret: 1 };
}

/** KVM_SET_USER_MEMORY_REGION, DELETE. Returns 1 if the slot existed. */
export function deleteSlot(s0: ModelState, id: number, style: FlushStyle): Result {
  if (!s0.slots.has(id)) return { s: s0, ret: 0 };
  if (style === "zap-all") return { s: removeSlot(zapAll(s0), id), ret: 1 };
  if (style === "zap-obsolete") return { s: removeSlot(zapObsolete(s0), id), ret: 1 };
  const begun = beginDeleteSlot(s0, id).s;
  return finishDeleteSlot(unmapInvalidSlot(begun, id).s, id);
}

/** kvm_destroy_vm: every slot's rmaps emptied, every page zapped, every slot freed. */
export function destroyVm(s0: ModelState, style: FlushStyle): Result {
  let s = s0;
  if (style === "invalidate") {
    s = { ...s, gen: s.gen + 1 };
    for (const id of s0.slots.keys()) s = unmapSlot(s, id);
  }
  if (style === "zap-obsolete") s = zapObsolete(s);
  s = zapAll(s);
  for (const id of s0.slots.keys()) s = removeSlot(s, id);
  return { s, ret: 0 };
}
