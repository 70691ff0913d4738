/**
 * The reference model's state: what the rmap layer means, with none of its
 * encoding. No head words, no descs, no SKIP, no addresses.
 *
 *   sptes   the present leaf sptes, by (shadow page, index), with their bits
 *   rmaps   for each (slot, level, index): the set of sptes its rmap holds
 *   pfns    per host page: has kvm_set_pfn_accessed / _dirty been called
 *   slots   each memslot's geometry and whether its rmaps are valid or invalid
 *   sps     each live shadow page: what it maps, its generation, zapped or not
 *   gen     kvm->arch.mmu_valid_gen
 *   deleting  the slots whose DELETE is under way, by phase (a v3 DELETE is
 *           three actions: begin, the lock-free unmap, finish)
 *
 * States are immutable; actions return new states (model/actions/*.ts).
 */

export type SpteRef = string; // `${sp}:${index}`
export type RmapKey = string; // `${slot}:${level}:${index}`

export const spteRef = (sp: number, index: number): SpteRef => `${sp}:${index}`;
export const rmapKey = (slot: number, level: number, index: number): RmapKey => `${slot}:${level}:${index}`;

export interface Spte {
  readonly pfn: number;
  readonly large: boolean;
  readonly writable: boolean; // W
  readonly hostWritable: boolean; // SPTE_HOST_WRITEABLE
  readonly mmuWritable: boolean; // SPTE_MMU_WRITEABLE
  readonly accessed: boolean; // A
  readonly dirty: boolean; // D
}

export interface Slot {
  readonly id: number;
  readonly baseGfn: number;
  readonly npages: number;
  readonly userspaceAddr: number;
  /** valid: normal_rmap_ops; invalid: being deleted, invalid_rmap_ops. */
  readonly rmaps: "valid" | "invalid";
}

export interface ShadowPage {
  readonly id: number;
  readonly gfn: number;
  readonly level: number;
  readonly quadrant: number;
  readonly gen: number;
}

export interface PageFlags {
  readonly accessed: boolean;
  readonly dirty: boolean;
}

export interface Geometry {
  readonly levelShift: number;
  readonly sptesPerPage: number;
  /** shadow_accessed_mask / shadow_dirty_mask exist */
  readonly adBits: boolean;
}

/** How far a v3 DELETE of a slot has got: its rmaps are invalid ("begun"), then empty ("unmapped"). */
export type DeletePhase = "begun" | "unmapped";

export interface ModelState {
  readonly geo: Geometry;
  readonly gen: number;
  readonly nextSpId: number;
  /** Installed slots by id. */
  readonly slots: ReadonlyMap<number, Slot>;
  /** Live, not-zapped shadow pages by id. */
  readonly sps: ReadonlyMap<number, ShadowPage>;
  /** Present leaf sptes. */
  readonly sptes: ReadonlyMap<SpteRef, Spte>;
  /** Non-empty rmaps. */
  readonly rmaps: ReadonlyMap<RmapKey, ReadonlySet<SpteRef>>;
  /** Host pages that kvm_set_pfn_* was ever called for. */
  readonly pfns: ReadonlyMap<number, PageFlags>;
  /** DELETEs under way, by slot id. */
  readonly deleting: ReadonlyMap<number, DeletePhase>;
}

export function initialState(geo: Geometry): ModelState {
  return { geo, gen: 0, nextSpId: 1, slots: new Map(), sps: new Map(), sptes: new Map(), rmaps: new Map(), pfns: new Map(), deleting: new Map() };
}
