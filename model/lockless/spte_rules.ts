/**
 * What each operation may do to one spte, and to what value: the model's
 * transition relation at spte granularity, which the checker applies to every
 * atomic step that writes a spte (docs/model.md, "The lockless subject").
 *
 * The kernel changes one spte at a time, so an operation over many sptes is a
 * sequence of per-spte actions, each taking effect at the step that writes
 * the spte. judgeSpteWrite says whether the running operation may change the
 * spte from `before` (its value just before the write, or, for a lock
 * holder's plain store, what it read: see the checker) to `after`, and which
 * invariant a forbidden change breaks, in this order: NO-RESURRECT,
 * AT-ROUNDTRIP, NO-LOST-DIRTY (D, or W of an A/D-enabled spte, cleared by a
 * thread without mmu_lock; access tracking an A/D-disabled spte drops W by
 * design, the page was logged when W was granted), then SPTE-STEP.
 */
import { faultLevel } from "./actions/fault";
import { smallSpte, splitsOnEnable } from "./actions/memslot";
import { canBeFast, fastPfNewSpte } from "./actions/vcpu";
import { coveredIndices, gfnToIndex, hvaRangeToGfns, maxMappingLevel, pagesAt, spBase } from "./geometry";
import type { LocklessOp } from "./operations";
import { LOCK_HOLDER_OPS } from "./operations";
import type { ModelState, Spte } from "./state";
import { accessAllowed, dirtyLogProtected, isAccessTracked, makeSpte, markForAccessTrack, pageAdNeedWriteProtect, restoreAccTrack, sameSpte, spteDiff, writeProtected } from "./spte_values";

/** Where a spte lives: fixed when its page is created. */
export interface SpteSite {
  /** First gfn the spte maps. */
  readonly gfn: number;
  readonly level: number;
  readonly quadrant: number;
  readonly direct: boolean;
  readonly adDisabled: boolean;
}

export interface Judgement {
  readonly invariant: "NO-RESURRECT" | "AT-ROUNDTRIP" | "NO-LOST-DIRTY" | "SPTE-STEP";
  readonly detail: string;
}

const fail = (invariant: Judgement["invariant"], detail: string): Judgement => ({ invariant, detail });

/** The gfn range an aging call covers (null: outside the slot, or the slot deleted). */
export function agingRange(s: ModelState, op: LocklessOp): { start: number; end: number } | null {
  if (s.deleted) return null;
  if (op.kind === "clear_young") return hvaRangeToGfns(s.slot, op.start, op.end);
  if (op.kind === "test_young") return hvaRangeToGfns(s.slot, op.hva, op.hva + 1);
  return null;
}

/** Is the spte at `site` in an rmap the aging call's range covers? */
function covered(s: ModelState, op: LocklessOp, site: SpteSite): boolean {
  const r = agingRange(s, op);
  return r !== null && coveredIndices(s.geo, s.slot, r.start, r.end, site.level).includes(gfnToIndex(s.geo, site.gfn, s.slot.baseGfn, site.level));
}

/** Does a page fault's target spte sit at `site`? */
function isFaultTarget(s: ModelState, op: Extract<LocklessOp, { kind: "page_fault" }>, site: SpteSite): boolean {
  const level = faultLevel(s, op.gfn, op.level);
  return site.level === level && site.quadrant === op.quadrant && site.direct === !op.nested && site.gfn === op.gfn - (op.gfn % pagesAt(s.geo, level));
}

/** The one value an operation may write over `before` (undefined: any drop only; null: no write at all). */
function expected(s: ModelState, op: LocklessOp, site: SpteSite, before: Spte): Spte | null | "drop" {
  switch (op.kind) {
    case "page_fault":
      return isFaultTarget(s, op, site) ? makeSpte(s.slot, site.gfn, site.level, op.write, !site.adDisabled, pageAdNeedWriteProtect(s.geo, site)) : "drop";
    case "unmap_gfn_range":
    case "zap_gfn_range":
    case "zap_sp":
    case "delete_memslot":
      return "drop";
    case "get_dirty_log":
      return dirtyLogProtected(before, s.geo.pml);
    case "write_protect_gfn":
      return writeProtected(before, true);
    case "clear_young":
      return before.accessed && covered(s, op, site) ? markForAccessTrack(before) : null;
    case "test_young":
      return null;
    case "hw_access":
      return before.ad && accessAllowed(before, op.write) ? { ...before, accessed: true, dirty: before.dirty || op.write } : null;
    case "fast_page_fault":
      return site.direct && canBeFast(s, before, op.write) ? fastPfNewSpte(s, before, op.write, site.level) : null;
    case "log_dirty_pages":
      if (op.enable && splitsOnEnable(s) && site.level > 1) return "drop"; // eager page splitting drops every huge spte
      if (op.enable) return s.geo.pml && site.level === 1 ? dirtyLogProtected(before, true) : writeProtected(before, false);
      return site.direct && site.level < s.geo.maxLevel && site.level < maxMappingLevel(s.geo, s.slot, spBase(s.geo, site.gfn, site.level), s.geo.maxLevel) ? "drop" : null;
  }
}

/**
 * The values a lock holder's write may be computed from, besides `before`.
 * Accessed information is lossy by design (spec §2.8, §2.9), and a lock holder
 * computes its new value from its own earlier read (spte_write_protect reads
 * *sptep, then mmu_spte_update reads again and writes), so a change by a
 * lockless thread in between is overwritten even by the xchg path: an access
 * tracking undone (the spte it read is the young one), a fast page fault's
 * restore undone (the spte it read is the access-tracked one), or a D bit the
 * CPU set in between lost (the spte it read was clean; spec §3 S4 lets an
 * mmu_lock holder remove D; docs/findings-lockless.md L4). What the written
 * value says about protections is still the lock holder's own operation's.
 */
function lockHolderBases(before: Spte): Spte[] {
  if (before.ad) return before.dirty ? [before, { ...before, dirty: false }] : [before];
  return isAccessTracked(before) ? [before, { ...restoreAccTrack(before), accessed: true }] : [before, markForAccessTrack(before)];
}

/** `after` is `want`, or, for a lock holder on an A/D-enabled spte, `want` with the A bit lost or kept (spec §2.8). */
function equalTolerated(op: LocklessOp, want: Spte, after: Spte): boolean {
  if (sameSpte(want, after)) return true;
  return LOCK_HOLDER_OPS.has(op.kind) && want.ad && sameSpte({ ...want, accessed: after.accessed }, after);
}

/**
 * The permissions a write grants that the value it replaces lacks and the
 * operation's own action does not grant: R, W, X, MMU-writable, counting an
 * access-tracked spte's saved R/X as the R/X a restore gives back. Non-empty
 * is a restore from a stale snapshot (a value read before a lock holder
 * removed the permission in place; issue 20): the failure's detail names it.
 */
export function staleGrant(before: Spte, after: Spte, want: Spte | null): string[] {
  const perms = (s: Spte): Record<string, boolean> => ({
    R: isAccessTracked(s) ? s.savedR : s.r,
    W: s.w,
    X: isAccessTracked(s) ? s.savedX : s.x,
    "MMU-writable": s.mmuWritable,
  });
  const [b, a, w] = [perms(before), perms(after), want === null ? null : perms(want)];
  return Object.keys(a).filter((k) => a[k] && !b[k] && !(w?.[k] ?? false));
}

const grantText = (g: string[]): string => (g.length === 0 ? "" : ` (grants ${g.join(", ")}, which the spte no longer had: a restore from a stale snapshot)`);

/** AT-ROUNDTRIP for a lockless writer: an access tracking saves exactly what it replaces; a restore gives back the saved R/X. */
function roundTrip(before: Spte, after: Spte): Judgement | null {
  if (!isAccessTracked(before) && isAccessTracked(after)) {
    const want = markForAccessTrack(before);
    if (!sameSpte(want, after)) return fail("AT-ROUNDTRIP", `access tracking does not save exactly what it replaces: ${spteDiff(want, after).join(", ")}${grantText(staleGrant(before, after, want))}`);
  }
  if (isAccessTracked(before) && !isAccessTracked(after) && (after.r !== before.savedR || after.x !== before.savedX)) {
    return fail("AT-ROUNDTRIP", `a restore gives R=${after.r} X=${after.x}, the saved bits are R=${before.savedR} X=${before.savedX}`);
  }
  return null;
}

/**
 * A spte eager page splitting makes present (log_dirty_pages enabling, with
 * splitsOnEnable): a child of a direct page whose gfn a huge spte one level
 * up in the same quadrant maps or mapped until this operation cleared it
 * (`source`, found by the checker), with that spte's value made small. The split read the huge spte once, before
 * this write (shadow_mmu_split_huge_page's READ_ONCE), so a change a lockless
 * thread made to it since may be missing: the lock holder's bases of the
 * source (A lost or kept, D lost, an access tracking undone).
 */
function judgeSplitChild(s: ModelState, site: SpteSite, after: Spte, source: SpteSite & { readonly spte: Spte }): Judgement | null {
  if (!site.direct || source.level !== site.level + 1 || source.quadrant !== site.quadrant || site.gfn < source.gfn || site.gfn >= source.gfn + pagesAt(s.geo, source.level)) {
    return fail("SPTE-STEP", "eager page splitting maps a spte that is no direct child of the huge spte over it");
  }
  const op: LocklessOp = { kind: "log_dirty_pages", enable: true };
  for (const base of lockHolderBases(source.spte)) {
    if (equalTolerated(op, smallSpte(base, source.gfn, site.gfn, site.level), after)) return null;
  }
  const want = smallSpte(source.spte, source.gfn, site.gfn, site.level);
  return fail("SPTE-STEP", `eager page splitting installs a value that is not the huge spte's made small: ${spteDiff(want, after).join(", ")}${grantText(staleGrant(source.spte, after, want))}`);
}

/**
 * `splitSources`: for a write that makes a spte present during a
 * log_dirty_pages enable, the huge sptes one level up whose region holds the
 * site: those present now, and those the same operation has cleared, with the
 * value each held when it left (a split may drop the huge spte before it
 * fills the children). Eager page splitting copies one of them; the write is
 * allowed if it is a copy of one. The rule is the same either way: a child
 * holds what the huge spte held at the child's write or at the huge spte's
 * own end, never what a lockless thread had already taken from it.
 */
export function judgeSpteWrite(s: ModelState, op: LocklessOp, site: SpteSite, before: Spte | null, after: Spte | null, splitSources: ReadonlyArray<SpteSite & { readonly spte: Spte }> = []): Judgement | null {
  if (!before) {
    if (!after) return null;
    if (op.kind === "log_dirty_pages" && op.enable && splitsOnEnable(s)) {
      if (splitSources.length === 0) return fail("NO-RESURRECT", "eager page splitting makes a spte present that no huge spte maps");
      const js = splitSources.map((src) => judgeSplitChild(s, site, after, src));
      return js.some((j) => j === null) ? null : js[0]!;
    }
    if (op.kind !== "page_fault") return fail("NO-RESURRECT", `${op.kind} makes a non-present spte present`);
    if (!isFaultTarget(s, op, site)) return fail("SPTE-STEP", "a page fault maps a spte other than its own");
    const want = makeSpte(s.slot, site.gfn, site.level, op.write, !site.adDisabled, pageAdNeedWriteProtect(s.geo, site));
    return sameSpte(want, after) ? null : fail("SPTE-STEP", `the fault installs a value the model does not make: ${spteDiff(want, after).join(", ")}`);
  }
  const holder = LOCK_HOLDER_OPS.has(op.kind);
  const rt = !holder && after ? roundTrip(before, after) : null;
  if (rt) return rt;
  if (!holder && after && before.dirty && !after.dirty) return fail("NO-LOST-DIRTY", `${op.kind}, which holds no mmu_lock, clears D`);
  if (!holder && after && before.ad && before.w && !after.w) return fail("NO-LOST-DIRTY", `${op.kind}, which holds no mmu_lock, clears W of an A/D-enabled spte`);
  // __rmap_add's recycle zaps the whole rmap, its own spte too: a fault's, or eager page splitting's (its __rmap_add).
  if ((op.kind === "page_fault" || (op.kind === "log_dirty_pages" && op.enable && splitsOnEnable(s))) && !after) return null;
  const want = expected(s, op, site, before);
  if (want === "drop") return after === null ? null : fail("SPTE-STEP", `${op.kind} may only drop this spte`);
  if (want === null) {
    const grant = after ? grantText(staleGrant(before, after, null)) : "";
    return fail("SPTE-STEP", `${op.kind} may not write this spte (${before.accessed ? "accessed" : "old"}, ${isAccessTracked(before) ? "access-tracked" : "not tracked"})${grant}`);
  }
  if (!after) return fail("SPTE-STEP", `${op.kind} drops a spte it may only change`);
  for (const base of holder ? lockHolderBases(before) : [before]) {
    const w = base === before ? want : expected(s, op, site, base);
    if (w !== null && w !== "drop" && equalTolerated(op, w, after)) return null;
  }
  return fail("SPTE-STEP", `${op.kind} writes a value the model does not allow: ${spteDiff(want, after).join(", ")}${grantText(staleGrant(before, after, want))}`);
}
