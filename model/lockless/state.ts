/**
 * The reference model's state for the lockless rmap aging of Linux 6.15
 * (spec: upstream-lockless.md): what the shadow MMU's rmaps and sptes mean,
 * with none of their encoding. No head words, no LOCKED bit, no descs.
 *
 *   sptes   the shadow-present leaf sptes, by (shadow page, index), as fields
 *   rmaps   for each (level, index) of the one memslot: the set of sptes its rmap holds
 *   sps     each live shadow page: what it maps and its role (direct, A/D)
 *   dirty   the memslot's dirty bitmap (dirty logging by write protection)
 *   logDirty the memslot's KVM_MEM_LOG_DIRTY_PAGES flag, which a flags change sets or clears
 *   deleted the memslot has been deleted (KVM_MR_DELETE): its gfns have no slot
 *   tdp     the TDP MMU's mappings when tdp_mmu_enabled (a stub: gfn -> young)
 *
 * States are immutable; the actions (model/lockless/actions/) return new ones.
 */

export type SpteRef = string; // `${sp}:${index}`
export type RmapKey = string; // `${level}:${index}`

export const spteRef = (sp: number, index: number): SpteRef => `${sp}:${index}`;
export const rmapKey = (level: number, index: number): RmapKey => `${level}:${index}`;

export function refParts(ref: SpteRef): { sp: number; index: number } {
  const i = ref.indexOf(":");
  return { sp: Number(ref.slice(0, i)), index: Number(ref.slice(i + 1)) };
}

/**
 * A shadow-present leaf spte (spec §5.1.4). An access-tracked spte (A/D
 * disabled, R/W/X all clear) keeps its R and X in savedR / savedX.
 */
export interface Spte {
  readonly pfn: number;
  readonly large: boolean;
  /** spte_ad_enabled: hardware sets A and D; else KVM tracks accesses by access tracking. */
  readonly ad: boolean;
  /**
   * SPTE_TDP_AD_WRPROT_ONLY (implies ad): hardware sets A and D, but dirty
   * logging must write-protect (an L2 page under PML).
   */
  readonly wrprotOnly: boolean;
  readonly r: boolean;
  readonly w: boolean;
  readonly x: boolean;
  readonly savedR: boolean;
  readonly savedX: boolean;
  /** shadow_accessed_mask: hardware's A bit, or (A/D disabled) KVM's software accessed bit. */
  readonly accessed: boolean;
  readonly dirty: boolean;
  readonly mmuWritable: boolean;
  readonly hostWritable: boolean;
}

export interface ShadowPage {
  readonly id: number;
  /** First gfn the page maps (aligned to the page's span). */
  readonly gfn: number;
  readonly level: number;
  /** Stands for every role difference that makes two pages map the same gfn (quadrant, root, guest page table). */
  readonly quadrant: number;
  /** A direct page (TDP or non-paging); false: shadowing L1's EPT for L2 (nested). */
  readonly direct: boolean;
  /** sp->role.ad_disabled: every spte of the page has A/D disabled. */
  readonly adDisabled: boolean;
}

export interface Slot {
  readonly baseGfn: number;
  readonly npages: number;
  /** Host virtual page of baseGfn (hva in pages). */
  readonly userspaceAddr: number;
}

export interface Geometry {
  /** KVM_HPAGE_GFN_SHIFT(level) = (level - 1) * levelShift (kernel: 9). */
  readonly levelShift: number;
  /** KVM_MAX_HUGEPAGE_LEVEL (kernel: PG_LEVEL_1G = 3). */
  readonly maxLevel: number;
  /** Leaf sptes per shadow page (kernel: 512). */
  readonly sptesPerPage: number;
  /** kvm_ad_enabled: EPT with A/D bits. False: every spte is A/D-disabled and the fast page fault restores access-tracked sptes. */
  readonly kvmAdEnabled: boolean;
  /**
   * The slot is dirty-logged (KVM_MEM_LOG_DIRTY_PAGES) when the run starts: the
   * initial value of ModelState.logDirty, which only the log_dirty_pages
   * operation changes (4K mappings only, writable sptes mark the bitmap).
   */
  readonly dirtyLogging: boolean;
  /** kvm->arch.cpu_dirty_log_size != 0 (PML): the dirty-log harvest clears D (A/D) or W (A/D disabled) instead of write-protecting. */
  readonly pml: boolean;
  /** RMAP_RECYCLE_THRESHOLD (kernel: 1000): an rmap longer than this is zapped when an entry is added. */
  readonly recycleThreshold: number;
  /** tdp_mmu_enabled: direct faults go to the TDP MMU (actions/tdp.ts); the rmaps hold nested pages' sptes only. */
  readonly tdpMmuEnabled: boolean;
  /** L1's EPTP has A/D enabled: nested pages are A/D-enabled (needs kvmAdEnabled); false: A/D-disabled. */
  readonly nestedEptAd: boolean;
  /**
   * KVM_X86_QUIRK_SLOT_ZAP_ALL: absent or true (the kernel's default),
   * deleting the slot zaps every shadow page; false: the slot's sptes and the
   * nested pages only (direct pages stay, empty).
   */
  readonly slotZapAll?: boolean;
  /**
   * eager_page_split (kernel default on; absent here: off): enabling dirty
   * logging first splits every huge spte of the slot's rmaps down to 4K,
   * which the kernel does only with the TDP MMU (actions/memslot.ts splitHugePages).
   */
  readonly eagerPageSplit?: boolean;
}

export interface ModelState {
  readonly geo: Geometry;
  readonly slot: Slot;
  readonly nextSpId: number;
  readonly sps: ReadonlyMap<number, ShadowPage>;
  readonly sptes: ReadonlyMap<SpteRef, Spte>;
  /** Non-empty rmaps. */
  readonly rmaps: ReadonlyMap<RmapKey, ReadonlySet<SpteRef>>;
  /** gfns whose dirty-bitmap bit is set (empty while the slot is not dirty-logged: it has no bitmap). */
  readonly dirty: ReadonlySet<number>;
  /** The slot's KVM_MEM_LOG_DIRTY_PAGES (the active slot's flags: kvm->memslots). */
  readonly logDirty: boolean;
  /** The TDP MMU's 4K mappings (tdp_mmu_enabled only): gfn -> accessed. */
  readonly tdp: ReadonlyMap<number, boolean>;
  /** The slot was deleted (KVM_MR_DELETE): no gfn has a slot; final (never created again). */
  readonly deleted: boolean;
}

export function initialState(geo: Geometry, slot: Slot): ModelState {
  return { geo, slot, nextSpId: 1, sps: new Map(), sptes: new Map(), rmaps: new Map(), dirty: new Set(), logDirty: geo.dirtyLogging, tdp: new Map(), deleted: false };
}
