/**
 * The sweep's view of the 2013 series (space.ts): the reference model
 * (model/spec.ts) with the guard `enabled`, and operations whose arguments
 * come from the state: the gfns and hvas of the configured slots, the live
 * shadow pages and present sptes, the slot ids, and (Domains.absent) one of
 * each that names nothing: a gfn and an hva past every slot, a page in an
 * unused quadrant, a slot id no slot has.
 *
 * The model's Params take the design's flush style; set-up kinds are limited
 * (SETUP_KINDS) to operations whose model action does not depend on it, so
 * the set-up states, and so the scenarios, are the same for every design.
 */
import { HVA_BASE } from "../series/arbitraries";
import type { WorldConfig } from "../series/world";
import { enabled, init, next, type Params } from "../../model/spec";
import { spteGfn } from "../../model/geometry";
import type { OpDesc } from "../../model/operations";
import type { ModelState } from "../../model/state";
import { nextOrder, type Perm, quadrantChoices, rankOf, rankRef, type Space, type SpaceArgs, type SweepState } from "./space";

/** Kinds whose model action is the same under every flush style (so a set-up state is design-independent). */
export const SERIES_SETUP_KINDS: ReadonlySet<string> = new Set([
  "page_fault",
  "hw_access",
  "fast_page_fault",
  "age_hva",
  "test_age_hva",
  "get_dirty_log",
  "shadow_gfn",
  "zap_page",
  "unmap_hva_range",
  "set_spte_hva",
]);

/** The host page set_spte_hva remaps to: any page no slot maps (host pages are names; one stands for all). */
const OTHER_PFN = 0x200;

type S = SweepState<ModelState>;

export function seriesSpace(a: SpaceArgs): Space<ModelState, OpDesc> {
  const cfg = a.config as WorldConfig;
  const d = a.domains;
  const params: Params = { geo: { levelShift: cfg.kvm.levelShift, sptesPerPage: cfg.kvm.sptesPerPage, adBits: cfg.kvm.adBits }, flush: "invalidate" };
  const end = Math.max(...cfg.slots.map((s) => s.baseGfn + s.npages));
  const hvaEnd = Math.max(HVA_BASE, ...cfg.slots.map((s) => s.userspaceAddr + s.npages));
  const gfns = [...new Set(cfg.slots.flatMap((s) => Array.from({ length: s.npages }, (_, i) => s.baseGfn + i)))].sort((x, y) => x - y);
  const hvas = [...new Set(cfg.slots.flatMap((s) => Array.from({ length: s.npages }, (_, i) => s.userspaceAddr + i)))].sort((x, y) => x - y);
  const absentGfn = d.absent ? [end] : [];
  const absentHva = d.absent ? [hvaEnd] : [];
  const ids = cfg.slots.map((s) => s.id);
  const absentId = d.absent ? [Math.max(...ids) + 1] : [];

  const ops = (st: S, kinds: readonly string[]): OpDesc[] => {
    const s = st.m;
    const sps = [...s.sps.values()];
    const quads = a.symmetry === false ? Array.from({ length: d.quadrants }, (_, i) => i) : quadrantChoices(sps.map((p) => p.quadrant), d.quadrants);
    const fresh = quadrantChoices(sps.map((p) => p.quadrant), d.quadrants + 1).at(-1)!;
    const sptes = [...s.sptes.keys()].map((ref) => {
      const sp = s.sps.get(Number(ref.split(":")[0]))!;
      return { gfn: spteGfn(s.geo, sp, Number(ref.split(":")[1])), level: sp.level, quadrant: sp.quadrant };
    });
    const out: OpDesc[] = [];
    for (const kind of kinds) {
      switch (kind) {
        case "page_fault":
          for (const gfn of [...gfns, ...absentGfn]) for (const level of d.levels) for (const write of d.write) for (const quadrant of quads) out.push({ kind, gfn, level, write, quadrant });
          break;
        case "hw_access": {
          const at = [...sptes, ...(d.absent ? [{ gfn: gfns[0]!, level: 1, quadrant: fresh }] : [])];
          for (const t of at) for (const write of d.write) out.push({ kind, gfn: t.gfn, level: t.level, quadrant: t.quadrant, write });
          break;
        }
        case "fast_page_fault":
          for (const t of [...sptes.filter((x) => x.level === 1), ...(d.absent ? [{ gfn: gfns[0]!, quadrant: fresh }] : [])]) out.push({ kind, gfn: t.gfn, quadrant: t.quadrant });
          break;
        case "zap_page": {
          const pages = [...sps.map((p) => ({ gfn: p.gfn, level: p.level, quadrant: p.quadrant })), ...(d.absent ? [{ gfn: gfns[0]!, level: 1, quadrant: fresh }] : [])];
          const seen = new Set<string>();
          for (const p of pages) {
            const k = `${p.gfn}:${p.level}:${p.quadrant}`;
            if (seen.has(k)) continue;
            seen.add(k);
            for (const which of d.which) out.push({ kind, gfn: p.gfn, level: p.level, quadrant: p.quadrant, which });
          }
          break;
        }
        case "unmap_hva_range":
          for (const hva of [...hvas, ...absentHva]) out.push({ kind, start: hva, end: hva + 1 });
          break;
        case "set_spte_hva":
          for (const hva of [...hvas, ...absentHva]) for (const write of d.write) out.push({ kind, hva, pfn: OTHER_PFN, write });
          break;
        case "age_hva":
        case "test_age_hva":
          for (const hva of [...hvas, ...absentHva]) out.push({ kind, hva });
          break;
        case "shadow_gfn":
        case "get_dirty_log":
          for (const gfn of [...gfns, ...absentGfn]) out.push({ kind, gfn });
          break;
        case "invalid_all_pages":
        case "destroy_vm":
          out.push({ kind });
          break;
        case "delete_slot":
        case "begin_delete_slot":
        case "unmap_invalid_slot":
        case "finish_delete_slot":
          for (const id of [...ids, ...absentId]) out.push({ kind, id });
          break;
        case "unmap_invalid_rmap":
          for (const c of cfg.slots) for (let g = c.baseGfn; g < c.baseGfn + c.npages; g++) for (const level of d.levels) out.push({ kind, id: c.id, gfn: g, level });
          break;
        case "create_slot":
          // Re-create a configured slot that is not installed (a slot is its geometry; the id is a name).
          for (const c of cfg.slots) if (!s.slots.has(c.id)) out.push({ kind, id: c.id, baseGfn: c.baseGfn, npages: c.npages, userspaceAddr: c.userspaceAddr });
          break;
        default:
          throw new Error(`sweep: no argument domain for series operation ${kind}`);
      }
    }
    return out.filter((op) => enabled(params, s, op));
  };

  return {
    quadrants: d.quadrants + 1,
    init: () => ({ m: init(params, cfg.slots), order: new Map() }),
    apply(st, op) {
      if (!enabled(params, st.m, op)) return null;
      const m = next(params, st.m, op).s;
      return { m, order: nextOrder(st.order, m.rmaps) };
    },
    ops,
    stateKey: (st, perm) => seriesKey(st, perm),
    rename: (op, perm) => ("quadrant" in op ? { ...op, quadrant: perm[op.quadrant] ?? op.quadrant } : op),
  };
}

/**
 * The key of a state with quadrants renamed. Shadow pages are named by their
 * rank in creation order (what the zap-all walks and `which` see), never by
 * id; sptes by (page rank, index) and their bits as the model keeps them (the
 * bit classes: present, W, host- and MMU-writable, A, D, large, the pfn).
 */
function seriesKey(st: S, perm: Perm): string {
  const s = st.m;
  const rank = rankOf(s.sps.keys());
  const q = (x: number) => perm[x] ?? x;
  const sps = [...s.sps.values()].sort((a, b) => a.id - b.id).map((p) => [p.gfn, p.level, q(p.quadrant), p.gen]);
  const sptes = [...s.sptes.entries()].map(([r, v]) => [rankRef(r, rank), v.pfn, v.large, v.writable, v.hostWritable, v.mmuWritable, v.accessed, v.dirty]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  const rmaps = [...st.order.entries()].map(([k, refs]) => [k, refs.map((r) => rankRef(r, rank))]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  const slots = [...s.slots.values()].sort((a, b) => a.id - b.id).map((x) => [x.id, x.baseGfn, x.npages, x.userspaceAddr, x.rmaps]);
  const pfns = [...s.pfns.entries()].sort((a, b) => a[0] - b[0]).map(([p, f]) => [p, f.accessed, f.dirty]);
  const deleting = [...s.deleting.entries()].sort((a, b) => a[0] - b[0]);
  return JSON.stringify([s.gen, slots, sps, sptes, rmaps, pfns, deleting]);
}
