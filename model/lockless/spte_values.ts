/**
 * What the kernel's spte helpers mean, on the model's spte fields (spec §2.5,
 * §2.8): the value a fault installs, access tracking and its restore, the
 * protections the write-protect and dirty-log paths apply. No bits here.
 */
import { pfnOf } from "./geometry";
import type { Geometry, Slot, Spte } from "./state";

/**
 * kvm_mmu_page_ad_need_write_protect: PML and an L2 page (here: a nested,
 * i.e. indirect, page); only asked of pages whose A/D bits are on.
 */
export const pageAdNeedWriteProtect = (geo: Geometry, page: { readonly direct: boolean }): boolean => geo.pml && !page.direct;

/**
 * make_spte for a non-prefetch fault of a direct or shadow page: its A/D type
 * (disabled, WRPROT_ONLY, enabled); A set; writable: W, MMU-writable and D
 * (D for every A/D type since 6.13, 85649117511d).
 */
export function makeSpte(slot: Slot, gfn: number, level: number, writable: boolean, ad: boolean, wrprotOnly: boolean): Spte {
  return {
    pfn: pfnOf(slot, gfn),
    large: level > 1,
    ad,
    wrprotOnly: ad && wrprotOnly,
    r: true,
    w: writable,
    x: true,
    savedR: false,
    savedX: false,
    accessed: true,
    dirty: writable,
    mmuWritable: writable,
    hostWritable: true,
  };
}

/** is_access_track_spte: A/D disabled and R, W, X all clear. */
export const isAccessTracked = (s: Spte): boolean => !s.ad && !s.r && !s.w && !s.x;

/** is_accessed_spte (since 6.13: the A bit, hardware's or KVM's). */
export const isAccessed = (s: Spte): boolean => s.accessed;

/** mark_spte_for_access_track: A/D on: clear A; already tracked: unchanged; else save R/X, clear R/W/X and A. */
export function markForAccessTrack(s: Spte): Spte {
  if (s.ad) return { ...s, accessed: false };
  if (isAccessTracked(s)) return s;
  return { ...s, savedR: s.r, savedX: s.x, r: false, w: false, x: false, accessed: false };
}

/** restore_acc_track_spte: R/X back from the saved bits (W is not saved). */
export function restoreAccTrack(s: Spte): Spte {
  return { ...s, r: s.savedR, x: s.savedX, savedR: false, savedX: false };
}

/** is_access_allowed for a read or a write fault (execution is not modelled). */
export const accessAllowed = (s: Spte, write: boolean): boolean => (write ? s.w : s.r);

/** spte_write_protect(pt_protect): clear W, and MMU-writable too for write tracking. */
export function writeProtected(s: Spte, ptProtect: boolean): Spte {
  return { ...s, w: false, mmuWritable: ptProtect ? false : s.mmuWritable };
}

/**
 * What re-protecting a page for dirty logging does to a spte: PML clears D
 * (A/D enabled) or W (A/D disabled or WRPROT_ONLY: spte_ad_need_write_protect); else write-protect.
 */
export function dirtyLogProtected(s: Spte, pml: boolean): Spte {
  if (pml && s.ad && !s.wrprotOnly) return { ...s, dirty: false };
  return { ...s, w: false };
}

export function sameSpte(a: Spte | null | undefined, b: Spte | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.pfn === b.pfn && a.large === b.large && a.ad === b.ad && a.wrprotOnly === b.wrprotOnly && a.r === b.r && a.w === b.w && a.x === b.x && a.savedR === b.savedR && a.savedX === b.savedX && a.accessed === b.accessed && a.dirty === b.dirty && a.mmuWritable === b.mmuWritable && a.hostWritable === b.hostWritable;
}

/** The fields two sptes differ in (for messages). */
export function spteDiff(a: Spte, b: Spte): string[] {
  return (Object.keys(a) as Array<keyof Spte>).filter((k) => a[k] !== b[k]).map((k) => `${k} ${String(a[k])} -> ${String(b[k])}`);
}

/** One line: the fields that are set. */
export function spteText(s: Spte | null | undefined): string {
  if (!s) return "not present";
  const on = (Object.keys(s) as Array<keyof Spte>).filter((k) => k !== "pfn" && s[k] === true);
  return `pfn 0x${s.pfn.toString(16)} ${on.join(",")}`;
}
