/**
 * The reference model of the shadow MMU's rmaps under lockless aging (Linux
 * 6.15), read like a TLA+ module. Start here.
 *
 *   CONSTANTS  Geometry (model/lockless/state.ts): level shift, levels, page
 *              size, EPT A/D, dirty logging at the start, PML, the recycle threshold,
 *              KVM_X86_QUIRK_SLOT_ZAP_ALL; the one memslot
 *   VARIABLES  ModelState: sptes, rmaps as sets, shadow pages, the dirty bitmap,
 *              the slot's KVM_MEM_LOG_DIRTY_PAGES flag, whether the slot is deleted
 *   Init       init(geo, slot)
 *   TypeOK     typeOK(s)
 *   Guards     enabled(s, op)
 *   Next       next(s, op): one action per operation (model/lockless/actions/)
 *   Invariants model/lockless/invariants.ts (the table; rmapBijection over the model)
 *
 * Refinement claim (docs/model.md, "The lockless subject"): every run of
 * impl/lockless/, observed through the abstraction function
 * (checker/lockless/oracle/abstraction.ts), is a run of this model.
 * Sequentially, after each operation the abstract state is next()'s and the
 * return values agree. Under any interleaving, every atomic step that writes a
 * spte is one spte_rules.ts allows the running operation, every aging call
 * returns a value in the allowed set of spec §3 A1 and looks at every rmap
 * its range covers, and at quiescence the rmaps and the present sptes are in
 * bijection.
 */
import * as aging from "./actions";
import { inSlot, levels, rmapCount, spteGfn } from "./geometry";
import type { LocklessOp } from "./operations";
import { type Geometry, initialState, type ModelState, refParts, type Slot } from "./state";
import { pageAdNeedWriteProtect } from "./spte_values";

// ---- Init -------------------------------------------------------------------

export function init(geo: Geometry, slot: Slot): ModelState {
  return initialState(geo, slot);
}

// ---- TypeOK -----------------------------------------------------------------

/** Every variable holds a value of its type and range; returns what does not. */
export function typeOK(s: ModelState): string[] {
  const out: string[] = [];
  for (const [key, refs] of s.rmaps) {
    const [level, index] = key.split(":").map(Number) as [number, number];
    if (!levels(s.geo).includes(level) || index < 0 || index >= rmapCount(s.geo, s.slot, level)) out.push(`rmap ${key} is outside the slot's rmap arrays`);
    if (refs.size === 0) out.push(`rmap ${key} is kept although empty`);
  }
  for (const [ref, v] of s.sptes) {
    const { sp, index } = refParts(ref);
    const page = s.sps.get(sp);
    if (page === undefined) out.push(`spte ${ref} belongs to no live shadow page`);
    else if (index >= s.geo.sptesPerPage || !inSlot(s.slot, spteGfn(s.geo, page, index))) out.push(`spte ${ref} maps no gfn of the slot`);
    else if (v.ad === page.adDisabled) out.push(`spte ${ref}'s A/D mode is not its page's`);
    else if (v.wrprotOnly !== (v.ad && pageAdNeedWriteProtect(s.geo, page))) out.push(`spte ${ref}'s WRPROT_ONLY type is not its page's`);
    if (v.w && !v.mmuWritable) out.push(`spte ${ref} is writable but not MMU-writable`);
  }
  for (const sp of s.sps.values()) if (sp.id >= s.nextSpId) out.push(`shadow page sp${sp.id} has an id not yet handed out`);
  for (const gfn of s.dirty) if (!inSlot(s.slot, gfn)) out.push(`dirty bit for gfn ${gfn} outside the slot`);
  if (!s.logDirty && s.dirty.size > 0) out.push("dirty bits although the slot is not dirty-logged (it has no bitmap)");
  if (s.deleted && (s.sptes.size > 0 || s.rmaps.size > 0 || s.tdp.size > 0)) out.push("a spte, an rmap entry or a TDP MMU mapping of the deleted slot");
  for (const gfn of s.tdp.keys()) if (!s.geo.tdpMmuEnabled || !inSlot(s.slot, gfn)) out.push(`TDP MMU mapping of gfn ${gfn} outside the slot or without the TDP MMU`);
  // With the TDP MMU the only direct shadow pages are eager page splitting's children (L2 pages, role.guest_mode).
  if (s.geo.tdpMmuEnabled && s.geo.eagerPageSplit !== true) for (const sp of s.sps.values()) if (sp.direct) out.push(`direct shadow page sp${sp.id} although direct faults go to the TDP MMU`);
  return out;
}

// ---- Guards -----------------------------------------------------------------

/** Operations that may run after the slot is deleted: the vCPU's, the mmu_notifier's, and the deletion (which then fails). */
const AFTER_DELETE: ReadonlySet<LocklessOp["kind"]> = new Set(["page_fault", "fast_page_fault", "hw_access", "clear_young", "test_young", "unmap_gfn_range", "delete_memslot"]);

/**
 * May `op` run in state s? KVM_GET_DIRTY_LOG needs a dirty-logged slot; once
 * the slot is deleted, only AFTER_DELETE (the others reach the slot's rmaps
 * through the simulation's `kvm.slot`; the kernel's would find no slot and do
 * nothing); everything else may always run.
 */
export function enabled(s: ModelState, op: LocklessOp): boolean {
  if (s.deleted && !AFTER_DELETE.has(op.kind)) return false;
  return op.kind !== "get_dirty_log" || s.logDirty;
}

// ---- Next -------------------------------------------------------------------

/** What `op` does from state s, and what its kernel function returns. Precondition: enabled(s, op). */
export function next(s: ModelState, op: LocklessOp): aging.Result {
  switch (op.kind) {
    case "page_fault":
      return aging.pageFault(s, op.gfn, op.level, op.quadrant, op.write, op.nested);
    case "fast_page_fault":
      return aging.fastPageFault(s, op.gfn, op.level, op.quadrant, op.write);
    case "hw_access":
      return aging.hwAccess(s, op.gfn, op.level, op.quadrant, op.write, op.nested);
    case "clear_young":
      return aging.clearYoung(s, op.start, op.end);
    case "test_young":
      return aging.testYoung(s, op.hva);
    case "unmap_gfn_range":
      return aging.unmapGfnRange(s, op.start, op.end);
    case "zap_gfn_range":
      return aging.zapGfnRange(s, op.start, op.end);
    case "zap_sp":
      return aging.zapSp(s, op.gfn, op.level, op.quadrant, op.nested);
    case "get_dirty_log":
      return aging.getDirtyLog(s, op.gfn);
    case "write_protect_gfn":
      return aging.writeProtectGfn(s, op.gfn);
    case "log_dirty_pages":
      return aging.logDirtyPages(s, op.enable);
    case "delete_memslot":
      return aging.deleteMemslot(s);
  }
}

