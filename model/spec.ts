/**
 * The reference model of the rmap layer under Xiao Guangrong's v3 series
 * (and the v3.10 baseline), read like a TLA+ module. Start here.
 *
 *   CONSTANTS  Params: the geometry (level shift, sptes per page, A/D bits)
 *              and the design's FlushStyle (how a DELETE empties a slot)
 *   VARIABLES  ModelState (model/state.ts): sptes, rmaps as sets, host pages,
 *              slots, shadow pages, the generation, DELETEs under way
 *   Init       init(params, slots)
 *   TypeOK     typeOK(s)
 *   Guards     enabled(s, op) and the named guards below
 *   Next       next(params, s, op): one action per operation (model/actions/)
 *   Invariants model/invariants.ts (the table; modelBijection over the model)
 *
 * Refinement claim (docs/model.md): every run of impl/, observed through the
 * abstraction function (checker/oracle/abstraction.ts), is a run of this
 * model. Sequentially, after each operation the abstract state is next()'s and
 * the return values agree; under any interleaving, every atomic step that
 * writes a spte is one model/spte_rules.ts allows the running operation, and
 * at quiescence the abstract state is the model's.
 */
import { fastPageFault, hwAccess } from "./actions/hardware";
import { beginDeleteSlot, createSlot, deleteSlot, destroyVm, finishDeleteSlot, type FlushStyle, unmapInvalidRmap, unmapInvalidSlot } from "./actions/memslot";
import { ageHva, setSpteHva, testAgeHva, unmapHvaRange } from "./actions/notifier";
import { pageFault } from "./actions/page_fault";
import { invalidAllPages, zapPage } from "./actions/shadow_page";
import { getDirtyLog, shadowGfn } from "./actions/write_protect";
import { LEVELS, rmapCount, slotOf } from "./geometry";
import type { OpDesc } from "./operations";
import { type DeletePhase, type Geometry, initialState, type ModelState, type Slot } from "./state";

export type { FlushStyle } from "./actions/memslot";

/** The model's constants. */
export interface Params {
  readonly geo: Geometry;
  readonly flush: FlushStyle;
}

// ---- Init -------------------------------------------------------------------

/** The state after the configured slots were created, before any operation. */
export function init(p: Params, slots: ReadonlyArray<Omit<Slot, "rmaps">>): ModelState {
  let s = initialState(p.geo);
  for (const slot of slots) s = createSlot(s, slot).s;
  return s;
}

// ---- TypeOK -----------------------------------------------------------------

/** Every variable holds a value of its type and range; returns what does not. */
export function typeOK(s: ModelState): string[] {
  const out: string[] = [];
  for (const [key, refs] of s.rmaps) {
    const [id, level, index] = key.split(":").map(Number) as [number, number, number];
    const slot = s.slots.get(id);
    if (slot === undefined) out.push(`rmap ${key} belongs to no installed slot`);
    else if (!LEVELS.includes(level as 1 | 2 | 3) || index < 0 || index >= rmapCount(s.geo, slot, level)) out.push(`rmap ${key} is outside slot ${id}'s rmap arrays`);
    if (refs.size === 0) out.push(`rmap ${key} is kept although empty`);
  }
  for (const ref of s.sptes.keys()) {
    const sp = s.sps.get(Number(ref.split(":")[0]));
    if (sp === undefined) out.push(`spte ${ref} belongs to no live shadow page`);
    else if (Number(ref.split(":")[1]) >= s.geo.sptesPerPage) out.push(`spte ${ref} is outside its page`);
  }
  for (const sp of s.sps.values()) {
    if (sp.gen > s.gen) out.push(`shadow page sp${sp.id} has generation ${sp.gen}, newer than mmu_valid_gen ${s.gen}`);
    if (sp.id >= s.nextSpId) out.push(`shadow page sp${sp.id} has an id not yet handed out`);
  }
  for (const [id, phase] of s.deleting) {
    if (s.slots.get(id)?.rmaps !== "invalid") out.push(`slot ${id} is being deleted (${phase}) but its rmaps are not invalid`);
  }
  return out;
}

// ---- Guards -------------------------------------------------------------------
// Operations the kernel's contract forbids in a state (a BUG, a WARN, or a
// lock the caller would hold) are not enabled there; properties/bad_input.test.ts
// shows what the implementation does when called anyway.

const phase = (s: ModelState, id: number): DeletePhase | undefined => s.deleting.get(id);

/** KVM_GET_DIRTY_LOG holds slots_lock: never during a DELETE of its slot. */
export const dirtyLogAllowed = (s: ModelState, gfn: number): boolean => slotOf(s, gfn)?.rmaps !== "invalid";
/** A DELETE starts only on an installed slot whose rmaps are valid (slots_lock serialises DELETEs). */
export const deleteAllowed = (s: ModelState, id: number): boolean => s.slots.get(id)?.rmaps === "valid";
/** The lock-free unmap runs once the rmaps were switched to invalid_rmap_ops. */
export const unmapAllowed = (s: ModelState, id: number): boolean => phase(s, id) === "begun";
/** The uninstall runs once the lock-free unmap is done. */
export const finishAllowed = (s: ModelState, id: number): boolean => phase(s, id) === "unmapped";
/** A CREATE may not reuse the id of a slot being deleted (overlap and reuse are refused by both sides). */
export const createAllowed = (s: ModelState, id: number): boolean => phase(s, id) === undefined;
/** kvm_destroy_vm runs when no ioctl is in flight. */
export const destroyAllowed = (s: ModelState): boolean => s.deleting.size === 0;

/** May `op` run in state s? */
export function enabled(p: Params, s: ModelState, op: OpDesc): boolean {
  switch (op.kind) {
    case "get_dirty_log":
      return dirtyLogAllowed(s, op.gfn);
    case "delete_slot":
      return deleteAllowed(s, op.id);
    case "begin_delete_slot":
      return p.flush === "invalidate" && deleteAllowed(s, op.id);
    case "unmap_invalid_slot":
    case "unmap_invalid_rmap":
      return unmapAllowed(s, op.id);
    case "finish_delete_slot":
      return finishAllowed(s, op.id);
    case "create_slot":
      return createAllowed(s, op.id);
    case "destroy_vm":
      return destroyAllowed(s);
    default:
      return true;
  }
}

// ---- Next -------------------------------------------------------------------

/** The next state and what the kernel function returns. */
export interface Outcome {
  readonly s: ModelState;
  readonly ret: number;
  /** page_fault: whether an rmap entry was added, the rmap, and its size before (pte_list_add's count also depends on layout). */
  readonly added?: boolean;
  readonly key?: string;
  readonly sizeBefore?: number;
}

function withPhase(s: ModelState, id: number, to: DeletePhase | null): ModelState {
  const deleting = new Map(s.deleting);
  if (to === null) deleting.delete(id);
  else deleting.set(id, to);
  return { ...s, deleting };
}

/** What `op` does from state s. Precondition: enabled(p, s, op). */
export function next(p: Params, s: ModelState, op: OpDesc): Outcome {
  switch (op.kind) {
    case "page_fault": {
      const r = pageFault(s, op.gfn, op.level, op.write, op.quadrant);
      return { s: r.s, ret: r.mapped ? (r.added ? 0 : -1) : -2, sizeBefore: r.sizeBefore, added: r.added, key: r.key };
    }
    case "unmap_hva_range":
      return unmapHvaRange(s, op.start, op.end);
    case "set_spte_hva":
      return setSpteHva(s, op.hva, op.pfn, op.write);
    case "age_hva":
      return ageHva(s, op.hva);
    case "test_age_hva":
      return testAgeHva(s, op.hva);
    case "shadow_gfn":
      return shadowGfn(s, op.gfn);
    case "get_dirty_log":
      return getDirtyLog(s, op.gfn);
    case "hw_access":
      return hwAccess(s, op.gfn, op.level, op.quadrant, op.write);
    case "fast_page_fault":
      return fastPageFault(s, op.gfn, op.quadrant);
    case "zap_page":
      return zapPage(s, op.gfn, op.level, op.quadrant, op.which);
    case "invalid_all_pages":
      return invalidAllPages(s, p.flush === "zap-obsolete");
    case "create_slot":
      return createSlot(s, { id: op.id, baseGfn: op.baseGfn, npages: op.npages, userspaceAddr: op.userspaceAddr });
    case "delete_slot":
      return deleteSlot(s, op.id, p.flush);
    case "begin_delete_slot": {
      const r = beginDeleteSlot(s, op.id);
      return { s: r.ret ? withPhase(r.s, op.id, "begun") : r.s, ret: r.ret };
    }
    case "unmap_invalid_slot": {
      const r = unmapInvalidSlot(s, op.id);
      return { s: withPhase(r.s, op.id, "unmapped"), ret: r.ret };
    }
    case "unmap_invalid_rmap":
      return unmapInvalidRmap(s, op.id, op.gfn, op.level);
    case "finish_delete_slot": {
      const r = finishDeleteSlot(s, op.id);
      return { s: withPhase(r.s, op.id, null), ret: r.ret };
    }
    case "destroy_vm":
      return destroyVm(s, p.flush);
  }
}
