/**
 * Reading the implementation's memory with the spec's encodings
 * (model/lockless/encoding.ts), never with impl/'s helpers: where the rmap
 * heads are, what list a head word stands for (its entries and descs, and
 * what is wrong with its shape: DESC-SHAPE), which shadow pages are live and
 * where each spte sits. Struct layouts (which word of the memslot or the
 * shadow page holds what) are the simulation's representation and are read
 * from impl/lockless/kvm.ts.
 */
import { fieldOf, KIND, type Kvm, MEMSLOT, MMU_PAGE } from "../../../impl/lockless/kvm";
import {
  decodeSpte,
  KVM_MEM_LOG_DIRTY_PAGES,
  DESC_MORE,
  DESC_SPTE_COUNT,
  DESC_SPTES,
  DESC_TAIL_COUNT,
  descWords,
  headDesc,
  headPointer,
  isMany,
} from "../../../model/lockless/encoding";
import { pagesAt } from "../../../model/lockless/geometry";
import type { SpteSite } from "../../../model/lockless/spte_rules";
import type { Spte } from "../../../model/lockless/state";
import { WORD_BYTES } from "../../../runtime/memory";

export interface HeadRef {
  readonly addr: number;
  readonly level: number;
  readonly index: number;
}

/** Every rmap head of the slot, level by level (none of a level whose array is freed: the slot was deleted). */
export function rmapHeads(kvm: Kvm): HeadRef[] {
  const out: HeadRef[] = [];
  for (let level = 1; level <= kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL; level++) {
    const arr = kvm.mem.peek(fieldOf(kvm.slot, MEMSLOT.rmap0 + level - 1));
    const obj = kvm.mem.objectAt(arr)!;
    if (obj.freed) continue;
    const n = obj.words;
    for (let index = 0; index < n; index++) out.push({ addr: arr + index * WORD_BYTES, level, index });
  }
  return out;
}

/** The head a word address belongs to, if it is one. */
export function headAt(kvm: Kvm, addr: number): HeadRef | undefined {
  const obj = kvm.mem.objectAt(addr);
  if (obj === undefined || obj.kind !== KIND.rmapHead) return undefined;
  return { addr, level: obj.tag, index: (addr - obj.base) / WORD_BYTES };
}

export interface Chain {
  readonly entries: number[];
  readonly descs: number[];
  /** DESC-SHAPE findings (empty when the list is well formed). */
  readonly errors: string[];
}

const isLiveDesc = (kvm: Kvm, d: number): boolean => {
  const o = kvm.mem.objectAt(d);
  return o !== undefined && o.base === d && o.kind === KIND.desc && !o.freed;
};

/**
 * The list a head value stands for (spec §1.1, §1.2, §3 D1): a MANY list's
 * head desc holds 1..PTE_LIST_EXT entries, every tail is full, tail_count is
 * PTE_LIST_EXT per desc behind, slots past spte_count are NULL, no sptep twice.
 */
export function decodeChain(kvm: Kvm, val: number): Chain {
  const ext = kvm.cfg.PTE_LIST_EXT;
  const ptr = headPointer(val);
  if (ptr === 0) return { entries: [], descs: [], errors: [] };
  if (!isMany(ptr)) return { entries: [ptr], descs: [], errors: [] };
  const entries: number[] = [];
  const descs: number[] = [];
  const errors: string[] = [];
  const word = (d: number, off: number): number => kvm.mem.peek(fieldOf(d, off));
  for (let d = headDesc(val); d !== 0; d = word(d, DESC_MORE)) {
    if (!isLiveDesc(kvm, d)) {
      errors.push(`desc 0x${d.toString(16)} on the list is not a live pte_list_desc`);
      break;
    }
    if (descs.includes(d)) {
      errors.push(`desc 0x${d.toString(16)} is on the list twice (a cycle)`);
      break;
    }
    const first = descs.length === 0;
    descs.push(d);
    const n = word(d, DESC_SPTE_COUNT);
    if (first ? n < 1 || n > ext : n !== ext) errors.push(`${first ? "head" : "tail"} desc 0x${d.toString(16)} has spte_count ${n} (PTE_LIST_EXT ${ext})`);
    for (let k = 0; k < ext; k++) {
      const e = word(d, DESC_SPTES + k);
      if (k < n && e === 0) errors.push(`desc 0x${d.toString(16)} has NULL at sptes[${k}] < spte_count ${n}`);
      if (k >= n && e !== 0) errors.push(`desc 0x${d.toString(16)} has sptes[${k}] != NULL past spte_count ${n}`);
      if (k < n && e !== 0) entries.push(e);
    }
  }
  descs.forEach((d, i) => {
    const want = ext * (descs.length - 1 - i);
    const got = word(d, DESC_TAIL_COUNT);
    if (got !== want && errors.length === 0) errors.push(`desc 0x${d.toString(16)} has tail_count ${got}, ${want} entries are behind it`);
  });
  const dup = entries.find((e, i) => entries.indexOf(e) !== i);
  if (dup !== undefined) errors.push(`sptep 0x${dup.toString(16)} is on the list twice`);
  return { entries, descs, errors };
}

/** Words of a desc (for snapshots). */
export function descCells(kvm: Kvm, d: number): number[] {
  return Array.from({ length: descWords(kvm.cfg.PTE_LIST_EXT) }, (_, k) => fieldOf(d, k));
}

export interface LivePage {
  readonly addr: number;
  readonly id: number;
  readonly spt: number;
  readonly gfn: number;
  readonly level: number;
  readonly quadrant: number;
  readonly direct: boolean;
  readonly adDisabled: boolean;
}

const spWord = (kvm: Kvm, sp: number, off: number): number => kvm.mem.peek(fieldOf(sp, off));

export function pageAt(kvm: Kvm, sp: number): LivePage {
  return {
    addr: sp,
    id: spWord(kvm, sp, MMU_PAGE.id),
    spt: spWord(kvm, sp, MMU_PAGE.spt),
    gfn: spWord(kvm, sp, MMU_PAGE.gfn),
    level: spWord(kvm, sp, MMU_PAGE.level),
    quadrant: spWord(kvm, sp, MMU_PAGE.quadrant),
    direct: spWord(kvm, sp, MMU_PAGE.direct) !== 0,
    adDisabled: spWord(kvm, sp, MMU_PAGE.ad_disabled) !== 0,
  };
}

/** The shadow pages on active_mmu_pages. */
export function livePages(kvm: Kvm): LivePage[] {
  return kvm.active_mmu_pages.map((sp) => pageAt(kvm, sp));
}

/** Where a sptep points: its page and index, or undefined when it is no live spte. */
export function spteAt(kvm: Kvm, sptep: number): { page: LivePage; index: number } | undefined {
  const obj = kvm.mem.objectAt(sptep);
  if (obj === undefined || obj.kind !== KIND.spt || obj.freed) return undefined;
  return { page: pageAt(kvm, obj.tag), index: (sptep - obj.base) / WORD_BYTES };
}

/** The site the model's spte rules are stated over. */
export function siteOf(kvm: Kvm, page: LivePage, index: number): SpteSite {
  return { gfn: page.gfn + index * pagesAt(kvm.cfg, page.level), level: page.level, quadrant: page.quadrant, direct: page.direct, adDisabled: page.adDisabled };
}

/**
 * The present huge leaf sptes one level above `site`, in live pages of the
 * same quadrant, whose region holds the site's gfn, each with its own site
 * (what eager page splitting may copy into the site: the child page of two
 * huge sptes over the same gfn, a nested one and a split child, is one page
 * here).
 */
export function hugeSptesOver(kvm: Kvm, site: SpteSite): Array<SpteSite & { readonly spte: Spte }> {
  const level = site.level + 1;
  const out: Array<SpteSite & { readonly spte: Spte }> = [];
  for (const p of livePages(kvm)) {
    if (p.level !== level || p.quadrant !== site.quadrant) continue;
    const index = Math.floor((site.gfn - p.gfn) / pagesAt(kvm.cfg, level));
    if (index < 0 || index >= kvm.cfg.sptesPerPage) continue;
    const spte = decodeSpte(kvm.mem.peek(p.spt + index * WORD_BYTES));
    if (spte?.large) out.push({ ...siteOf(kvm, p, index), spte });
  }
  return out;
}

/**
 * The active slot: kvm->memslots when the run changes the slot's flags, else
 * the one slot. A slot's flags are its object's tag (impl/lockless/kvm.ts).
 */
export function activeSlot(kvm: Kvm): number {
  return kvm.memslots === 0 ? kvm.slot : kvm.mem.peek(kvm.memslots);
}

/** Does the slot at `slot` have KVM_MEM_LOG_DIRTY_PAGES (the spec's encoding of its flags)? No slot (0) has not. */
export function slotLogsDirty(kvm: Kvm, slot: number): boolean {
  return slot !== 0 && (kvm.mem.objectAt(slot)!.tag & KVM_MEM_LOG_DIRTY_PAGES) !== 0;
}

/** Is the slot deleted: kvm->memslots holds no slot (a deletion's second swap has published NULL)? */
export function slotDeleted(kvm: Kvm): boolean {
  return kvm.memslots !== 0 && kvm.mem.peek(kvm.memslots) === 0;
}

/** The dirty bitmap's word for gfn in the active slot (0 when it is not dirty-logged, deleted, or gfn is outside it). */
export function dirtyWordAddr(kvm: Kvm, gfn: number): number {
  const slot = activeSlot(kvm);
  if (slot === 0) return 0;
  const bitmap = kvm.mem.peek(fieldOf(slot, MEMSLOT.dirty_bitmap));
  const base = kvm.mem.peek(fieldOf(slot, MEMSLOT.base_gfn));
  const n = kvm.mem.peek(fieldOf(slot, MEMSLOT.npages));
  return bitmap === 0 || gfn < base || gfn >= base + n ? 0 : fieldOf(bitmap, gfn - base);
}
