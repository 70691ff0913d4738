/**
 * What each operation may do to one spte, and to what value: the model's
 * transition relation at spte granularity, used to check concurrent runs step
 * by step (docs/model.md, "Refinement under interleaving").
 *
 * The kernel updates one spte at a time, so an operation over many sptes is
 * not atomic, and its effect is not one model action: it is a sequence of
 * per-spte actions (map, drop, update), each taking effect at the atomic step
 * that writes the spte. For every such step the checker asks judgeSpteChange
 * whether the operation running on that thread may make this change, and
 * whether the new value is the one the model computes from the model's own
 * old value: a bit set concurrently by another thread and then lost is a
 * difference between the two.
 */
import { propagation } from "./actions/primitives";
import { rmapsInRange } from "./actions/notifier";
import { faultSite } from "./actions/page_fault";
import { gfnToIndex, pagesAt } from "./geometry";
import type { OpDesc } from "./operations";
import { type Geometry, type ModelState, rmapKey, type Slot, type Spte } from "./state";
import type { FlushStyle } from "./actions/memslot";

/** Where a spte lives: fixed when its page is created. */
export interface SpteSite {
  readonly ref: string;
  readonly spGfn: number;
  readonly level: number;
  readonly quadrant: number;
  readonly index: number;
  /** sp->mmu_valid_gen: the generation its page was created in. */
  readonly spGen: number;
}

/**
 * map/update/drop with the A/D state the writer now owes the host page: a drop
 * owes what the spte had; an update that writes a value without an A or D bit
 * the model's spte had (set concurrently after the writer loaded it) owes that
 * bit, as mmu_spte_update propagates what its xchg returned.
 */
export type SpteChange =
  | { readonly kind: "map"; readonly value: Spte }
  | { readonly kind: "update"; readonly value: Spte; readonly accessed: boolean; readonly dirty: boolean }
  | { readonly kind: "drop"; readonly accessed: boolean; readonly dirty: boolean };

export interface Judgement {
  /** null when allowed. */
  readonly error: string | null;
  /** The invariant an error breaks. */
  readonly invariant: "INV-REFINE" | "INV-AD" | "INV-RO" | "INV-GEN-CURRENT";
  readonly change: SpteChange | null;
}

export function siteGfn(geo: Geometry, site: SpteSite): number {
  return site.spGfn + site.index * pagesAt(geo, site.level);
}

/** The rmap a spte belongs in through the given installed slots, with that slot. */
export function siteRmap(geo: Geometry, slots: readonly Slot[], site: SpteSite): { key: string; slot: Slot } | undefined {
  const gfn = siteGfn(geo, site);
  const slot = slots.find((s) => gfn >= s.baseGfn && gfn < s.baseGfn + s.npages);
  return slot && { key: rmapKey(slot.id, site.level, gfnToIndex(geo, gfn, slot.baseGfn, site.level)), slot };
}

function view(geo: Geometry, slots: readonly Slot[]): ModelState {
  return { geo, gen: 0, nextSpId: 0, slots: new Map(slots.map((s) => [s.id, s])), sps: new Map(), sptes: new Map(), rmaps: new Map(), pfns: new Map(), deleting: new Map() };
}

/** The rmaps an MMU notifier over host-virtual [start, end) visits through the given installed slots (kvm_handle_hva_range). */
export function notifierRmaps(geo: Geometry, slots: readonly Slot[], start: number, end: number): ReadonlyArray<{ key: string; invalid: boolean }> {
  return rmapsInRange(view(geo, slots), start, end);
}

function rangeHas(geo: Geometry, slots: readonly Slot[], start: number, end: number, key: string): { invalid: boolean } | undefined {
  return rmapsInRange(view(geo, slots), start, end).find((v) => v.key === key);
}

/** The spte a page fault targets and the value it installs, through the given slots. */
function faultTarget(geo: Geometry, slots: readonly Slot[], op: Extract<OpDesc, { kind: "page_fault" }>) {
  const slot = slots.find((s) => op.gfn >= s.baseGfn && op.gfn < s.baseGfn + s.npages);
  return slot && { slot, ...faultSite(geo, slot, op.gfn, op.level, op.write) };
}

export function sameSpte(a: Spte | undefined, b: Spte | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.pfn === b.pfn && a.large === b.large && a.writable === b.writable && a.hostWritable === b.hostWritable && a.mmuWritable === b.mmuWritable && a.accessed === b.accessed && a.dirty === b.dirty;
}

/** Does `op` name this spte's page (zap) or its (gfn, level, quadrant) (vCPU paths)? */
function namesPage(geo: Geometry, site: SpteSite, gfn: number, level: number, quadrant: number): boolean {
  const span = geo.sptesPerPage * pagesAt(geo, level);
  return site.level === level && site.quadrant === quadrant && site.spGfn === gfn - (gfn % span) && site.index === Math.floor((gfn - site.spGfn) / pagesAt(geo, level));
}

/** May `op` drop this spte, when kvm->arch.mmu_valid_gen is `gen`? */
function mayDrop(geo: Geometry, style: FlushStyle, slots: readonly Slot[], gen: number, op: OpDesc, site: SpteSite, old: Spte): boolean {
  const r = siteRmap(geo, slots, site);
  // 3.11 (kvm_mmu_invalidate_zap_all_pages, for a DELETE and for invalid_all_pages): exactly the
  // sptes of obsolete pages, whichever slot they map; a page created since the last bump stays.
  if (style === "zap-obsolete" && (op.kind === "delete_slot" || op.kind === "invalid_all_pages")) return site.spGen !== gen;
  switch (op.kind) {
    case "unmap_hva_range":
      return r !== undefined && rangeHas(geo, slots, op.start, op.end, r.key) !== undefined;
    case "set_spte_hva":
      // A writable pte drops; a read-only one remaps by a drop followed by a map (judged then).
      return r !== undefined && rangeHas(geo, slots, op.hva, op.hva + 1, r.key) !== undefined;
    case "age_hva": {
      const v = r && rangeHas(geo, slots, op.hva, op.hva + 1, r.key);
      return v !== undefined && (!geo.adBits || v.invalid);
    }
    case "test_age_hva": {
      const v = r && rangeHas(geo, slots, op.hva, op.hva + 1, r.key);
      return v !== undefined && v.invalid;
    }
    case "shadow_gfn":
      return old.large && r !== undefined && siteRmap(geo, slots, { ...site, spGfn: op.gfn, index: 0 })?.key === r.key;
    case "zap_page":
      return site.spGfn === op.gfn && site.level === op.level && site.quadrant === op.quadrant;
    case "delete_slot":
      return style === "zap-all" || r?.slot.id === op.id;
    case "unmap_invalid_slot":
      return r?.slot.id === op.id;
    case "unmap_invalid_rmap":
      return r !== undefined && r.slot.id === op.id && r.key === rmapKey(op.id, op.level, gfnToIndex(geo, op.gfn, r.slot.baseGfn, op.level));
    case "destroy_vm":
      return true;
    case "page_fault": {
      const t = faultTarget(geo, slots, op);
      return t !== undefined && site.spGfn === t.spGfn && site.level === t.level && site.quadrant === op.quadrant && site.index === t.index && old.pfn !== t.value.pfn;
    }
    default:
      return false;
  }
}

/**
 * Judge one spte change made by `op`. `slots` are the installed slots and
 * `gen` kvm->arch.mmu_valid_gen at the step; `old` is the model's value before
 * the step, `now` the implementation's after it, `beforeClear` the model value
 * this operation last dropped for this spte (set_spte_hva's remap).
 */
export function judgeSpteChange(
  geo: Geometry,
  style: FlushStyle,
  slots: readonly Slot[],
  gen: number,
  op: OpDesc,
  site: SpteSite,
  old: Spte | undefined,
  now: Spte | undefined,
  beforeClear: Spte | undefined,
): Judgement {
  const ok = (change: SpteChange | null): Judgement => ({ error: null, invariant: "INV-REFINE", change });
  const bad = (error: string, invariant: Judgement["invariant"] = "INV-REFINE"): Judgement => ({ error, invariant, change: null });
  if (old === undefined && now === undefined) return ok(null);
  if (old !== undefined && now === undefined) {
    if (!mayDrop(geo, style, slots, gen, op, site, old)) return bad(`may not drop spte ${site.ref}`);
    return ok({ kind: "drop", ...propagation(geo, old) });
  }
  let expected: Spte | undefined;
  if (old === undefined) {
    if (op.kind === "page_fault") {
      if (site.spGen !== gen) return bad(`maps spte ${site.ref} in a page of generation ${site.spGen}, obsolete since mmu_valid_gen is ${gen}`, "INV-GEN-CURRENT");
      const t = faultTarget(geo, slots, op);
      if (t && t.slot.rmaps === "invalid") return bad(`maps spte ${site.ref} through slot ${t.slot.id}, whose rmaps are invalid`, "INV-RO");
      if (t && site.spGfn === t.spGfn && site.level === t.level && site.quadrant === op.quadrant && site.index === t.index) expected = t.value;
    } else if (op.kind === "set_spte_hva" && beforeClear !== undefined && !op.write) {
      expected = { ...beforeClear, pfn: op.pfn, writable: false, hostWritable: false, accessed: geo.adBits ? false : beforeClear.accessed };
      // kvm_set_pte_rmapp builds the new value from the spte it read before the clear: a D bit set in
      // between is not carried over (the clear propagated it to the old page), so D may be absent.
      if (now !== undefined && !now.dirty) expected = { ...expected, dirty: false };
    }
    if (expected === undefined) return bad(`may not make spte ${site.ref} present`);
    return sameSpte(expected, now) ? ok({ kind: "map", value: expected }) : bad(`maps spte ${site.ref} with the wrong value`);
  }
  const o = old!;
  switch (op.kind) {
    case "page_fault": {
      const t = faultTarget(geo, slots, op);
      if (t && namesPage(geo, site, op.gfn, t.level, op.quadrant) && o.pfn === t.value.pfn) expected = t.value;
      break;
    }
    case "age_hva": {
      const r = siteRmap(geo, slots, site);
      const v = r && rangeHas(geo, slots, op.hva, op.hva + 1, r.key);
      if (v && !v.invalid && geo.adBits) expected = { ...o, accessed: false };
      break;
    }
    case "shadow_gfn":
    case "get_dirty_log": {
      const pt = op.kind === "shadow_gfn";
      const r = siteRmap(geo, slots, site);
      const target = siteRmap(geo, slots, { ...site, spGfn: op.gfn, index: 0 });
      if (r && target?.key === r.key && (pt || site.level === 1) && (o.writable || (pt && o.hostWritable && o.mmuWritable))) {
        expected = { ...o, writable: false, mmuWritable: pt ? false : o.mmuWritable };
      }
      break;
    }
    case "hw_access":
      if (namesPage(geo, site, op.gfn, op.level, op.quadrant) && (!op.write || o.writable)) {
        expected = { ...o, accessed: o.accessed || geo.adBits, dirty: o.dirty || (op.write && geo.adBits) };
      }
      break;
    case "fast_page_fault":
      if (namesPage(geo, site, op.gfn, 1, op.quadrant) && !o.writable && o.hostWritable && o.mmuWritable) expected = { ...o, writable: true };
      break;
    default:
      break;
  }
  if (expected === undefined) return bad(`may not change present spte ${site.ref}`);
  const n = now!;
  // The written value may lack an A or D bit the model's value has (set after the writer loaded
  // the spte); it may not invent one, nor differ in any other bit.
  const inventsAD = (n.accessed && !expected.accessed) || (n.dirty && !expected.dirty);
  if (inventsAD || !sameSpte({ ...expected, accessed: n.accessed, dirty: n.dirty }, n)) {
    const lostAD = (expected.accessed && !n.accessed) || (expected.dirty && !n.dirty);
    return bad(`changes spte ${site.ref} to a value the model does not reach`, lostAD && !inventsAD ? "INV-AD" : "INV-REFINE");
  }
  // Whatever A/D the model's spte had and the written value has not is owed to the page,
  // as mmu_spte_update owes it; kvm_age_rmapp clears A on purpose and owes nothing for it.
  const owesA = o.accessed && !n.accessed && op.kind !== "age_hva";
  const owesD = o.dirty && !n.dirty;
  return ok({ kind: "update", value: n, accessed: owesA, dirty: owesD });
}
