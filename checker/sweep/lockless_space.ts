/**
 * The sweep's view of the lockless subject (space.ts): the reference model
 * (model/lockless/spec.ts) with its guard, and operations whose arguments
 * come from the state: the gfns and hvas of the one slot, the live shadow
 * pages and present sptes (with their role: quadrant, nested), and
 * (Domains.absent) one of each that names nothing: a gfn and an hva past the
 * slot, a page in an unused quadrant. With tdp_mmu_enabled, the TDP MMU's
 * mappings are state too (the key) and targets of a direct CPU access.
 *
 * Hva ranges: every single page of the slot, two pages from every page, the
 * range of the largest huge page that holds the slot's first page (what the
 * known mmu_notifier callers deliver), and the whole slot. kvm_unmap_gfn_range over the whole slot walks
 * every rmap with kvm_zap_rmap, so the zap-all path (kvm_zap_all_rmap_sptes)
 * is in the alphabet. A range a design's callers never deliver is dropped
 * when that design is swept (the subject's traceProblem), and counted.
 */
import type { LocklessConfig } from "../lockless/world";
import { modelGeometry } from "../lockless/world";
import { refParts } from "../../model/lockless/state";
import { spteGfn } from "../../model/lockless/geometry";
import type { LocklessOp } from "../../model/lockless/operations";
import { enabled, init, next } from "../../model/lockless/spec";
import type { ModelState } from "../../model/lockless/state";
import { nextOrder, type Perm, quadrantChoices, rankOf, rankRef, type Space, type SpaceArgs, type SweepState } from "./space";

type S = SweepState<ModelState>;

export function locklessSpace(a: SpaceArgs): Space<ModelState, LocklessOp> {
  const cfg = a.config as LocklessConfig;
  const d = a.domains;
  const geo = modelGeometry(cfg.kvm);
  const slot = cfg.slot;
  const gfns = Array.from({ length: slot.npages }, (_, i) => slot.baseGfn + i);
  const hvaOf = (g: number) => slot.userspaceAddr + (g - slot.baseGfn);
  const hvas = gfns.map(hvaOf);
  const absentGfn = d.absent ? [slot.baseGfn + slot.npages] : [];
  const absentHva = d.absent ? [hvaOf(slot.baseGfn + slot.npages)] : [];
  const span = 2 ** (cfg.kvm.levelShift * (cfg.kvm.KVM_MAX_HUGEPAGE_LEVEL - 1));
  const hugeStart = hvas[0]! - (hvas[0]! % span);
  const ranges: Array<{ start: number; end: number }> = [
    ...[...hvas, ...absentHva].map((h) => ({ start: h, end: h + 1 })),
    // Two pages from every page of the slot: ranges that start or end inside a huge page (what only the
    // "any"-callers designs claim to handle; the others exclude them).
    ...hvas.map((h) => ({ start: h, end: h + 2 })),
    { start: hugeStart, end: hugeStart + span },
    { start: hvas[0]!, end: hvas.at(-1)! + 1 },
  ].filter((r, i, all) => all.findIndex((x) => x.start === r.start && x.end === r.end) === i);

  const ops = (st: S, kinds: readonly string[]): LocklessOp[] => {
    const s = st.m;
    const sps = [...s.sps.values()];
    const used = sps.map((p) => p.quadrant);
    const quads = a.symmetry === false ? Array.from({ length: d.quadrants }, (_, i) => i) : quadrantChoices(used, d.quadrants);
    const fresh = quadrantChoices(used, d.quadrants + 1).at(-1)!;
    const sptes = [...s.sptes.keys()].map((ref) => {
      const sp = s.sps.get(refParts(ref).sp)!;
      return { gfn: spteGfn(s.geo, sp, refParts(ref).index), level: sp.level, quadrant: sp.quadrant, nested: !sp.direct };
    });
    // tdp_mmu_enabled: a direct (not nested) access reaches the TDP MMU's mapping of its gfn, whatever the quadrant.
    const tdpMapped = [...s.tdp.keys()].sort((x, y) => x - y).map((gfn) => ({ gfn, level: 1, quadrant: 0, nested: false }));
    const absentSpte = d.absent ? [{ gfn: gfns[0]!, level: 1, quadrant: fresh, nested: false }] : [];
    const out: LocklessOp[] = [];
    for (const kind of kinds) {
      switch (kind) {
        case "page_fault":
          for (const gfn of [...gfns, ...absentGfn]) {
            for (const level of d.levels) {
              for (const quadrant of quads) for (const write of d.write) for (const nested of d.nested) out.push({ kind, gfn, level, quadrant, write, nested });
            }
          }
          break;
        case "hw_access":
          for (const t of [...sptes, ...tdpMapped, ...absentSpte]) for (const write of d.write) out.push({ kind, gfn: t.gfn, level: t.level, quadrant: t.quadrant, write, nested: t.nested });
          break;
        case "fast_page_fault":
          for (const t of [...sptes, ...absentSpte]) for (const write of d.write) out.push({ kind, gfn: t.gfn, level: t.level, quadrant: t.quadrant, write });
          break;
        case "zap_sp": {
          const pages = [...sps.map((p) => ({ gfn: p.gfn, level: p.level, quadrant: p.quadrant, nested: !p.direct })), ...absentSpte];
          for (const p of pages) out.push({ kind, gfn: p.gfn, level: p.level, quadrant: p.quadrant, nested: p.nested });
          break;
        }
        case "clear_young":
          for (const r of ranges) out.push({ kind, start: r.start, end: r.end, flush: false });
          break;
        case "unmap_gfn_range":
          for (const r of ranges) out.push({ kind, start: r.start, end: r.end });
          break;
        case "zap_gfn_range": // kvm_zap_gfn_range (issue 20): each page of the slot, and the whole slot
          for (const g of gfns) out.push({ kind, start: g, end: g + 1 });
          if (gfns.length > 1) out.push({ kind, start: gfns[0]!, end: gfns.at(-1)! + 1 });
          break;
        case "test_young":
          for (const hva of [...hvas, ...absentHva]) out.push({ kind, hva });
          break;
        case "get_dirty_log":
        case "write_protect_gfn":
          for (const gfn of [...gfns, ...absentGfn]) out.push({ kind, gfn });
          break;
        case "log_dirty_pages": // the dirty-logging flags change (issue 20): set and clear (one of them changes nothing)
          out.push({ kind, enable: true }, { kind, enable: false });
          break;
        case "delete_memslot": // the deletion of the slot (issue 20, KVM_MR_DELETE): no argument
          out.push({ kind });
          break;
        default:
          throw new Error(`sweep: no argument domain for lockless operation ${kind}`);
      }
    }
    return out.filter((op) => enabled(s, op));
  };

  return {
    quadrants: d.quadrants + 1,
    init: () => ({ m: init(geo, { baseGfn: slot.baseGfn, npages: slot.npages, userspaceAddr: slot.userspaceAddr }), order: new Map() }),
    apply(st, op) {
      if (!enabled(st.m, op)) return null;
      const m = next(st.m, op).s;
      return { m, order: nextOrder(st.order, m.rmaps) };
    },
    ops,
    stateKey: (st, perm) => locklessKey(st, perm),
    rename: (op, perm) => ("quadrant" in op ? { ...op, quadrant: perm[op.quadrant] ?? op.quadrant } : op),
  };
}

/** As seriesKey: pages by creation rank with their role, sptes by their fields (the bit classes the model keeps). */
function locklessKey(st: S, perm: Perm): string {
  const s = st.m;
  const rank = rankOf(s.sps.keys());
  const q = (x: number) => perm[x] ?? x;
  const sps = [...s.sps.values()].sort((a, b) => a.id - b.id).map((p) => [p.gfn, p.level, q(p.quadrant), p.direct, p.adDisabled]);
  const sptes = [...s.sptes.entries()]
    .map(([r, v]) => [rankRef(r, rank), v.pfn, v.large, v.ad, v.r, v.w, v.x, v.savedR, v.savedX, v.accessed, v.dirty, v.mmuWritable, v.hostWritable])
    .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  const rmaps = [...st.order.entries()].map(([k, refs]) => [k, refs.map((r) => rankRef(r, rank))]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  // The TDP MMU's mappings (tdp_mmu_enabled): gfn and young, no role to rename.
  const tdp = [...s.tdp.entries()].sort((x, y) => x[0] - y[0]);
  // KVM_MEM_LOG_DIRTY_PAGES only when a flags change made it differ from the configuration's (keys as before otherwise).
  const flag = s.logDirty === s.geo.dirtyLogging ? [] : [s.logDirty];
  // The slot deleted (delete_memslot) only when it is (keys as before otherwise).
  const deleted = s.deleted ? ["deleted"] : [];
  return JSON.stringify([sps, sptes, rmaps, [...s.dirty].sort((x, y) => x - y), tdp, ...flag, ...deleted]);
}
