/**
 * Operations are generated against a logical address map, then placed in the
 * generated configuration, so that they keep meeting on the same pages
 * whatever the slots' geometry: logical gfn 0-7 is page 0-7 from slot 0's
 * base, 8-15 page 0-7 from slot 1's base (when there is one), anything else
 * is counted from slot 0's base. A zap names its shadow page by the page's
 * first gfn, aligned to the span of a page at that level. Placing is a pure
 * function of the configuration, and unplacing gives back logical operations
 * that place to the same trace (fast-check shrinks the logical form).
 */
import type { OpDesc } from "../../model/operations";
import { fastRecord } from "../search/fast_record";
import type { SeriesTrace } from "./trace_build";
import { fastConfig, type WorldConfig } from "./world";

/** Logical gfns of slot 1's pages start here. */
const SLOT1 = 8;

/** Gfns mapped by one shadow page at `level`. */
function spanAt(cfg: WorldConfig, level: number): number {
  return cfg.kvm.sptesPerPage << ((level - 1) * cfg.kvm.levelShift);
}

export function placeGfn(l: number, cfg: WorldConfig): number {
  const [s0, s1] = cfg.slots;
  const base0 = s0?.baseGfn ?? 0;
  if (l >= SLOT1 && l < 2 * SLOT1 && s1 !== undefined) return s1.baseGfn + (l - SLOT1);
  return base0 + l;
}

export function unplaceGfn(g: number, cfg: WorldConfig): number {
  const [s0, s1] = cfg.slots;
  const base0 = s0?.baseGfn ?? 0;
  if (g >= base0 && g - base0 < SLOT1) return g - base0;
  if (s1 !== undefined && g >= s1.baseGfn && g - s1.baseGfn < SLOT1) return SLOT1 + (g - s1.baseGfn);
  // Beyond both regions: only a value placeGfn gives back unchanged is a valid logical gfn.
  const l = Math.max(0, g - base0);
  return s1 !== undefined && l >= SLOT1 && l < 2 * SLOT1 ? 2 * SLOT1 : l;
}

type Mapper = (gfn: number, cfg: WorldConfig) => number;

/*
 * One spread per kind: a spread site that sees one object shape copies it on
 * V8's fast path; one that sees several (a shared case arm) takes the slow,
 * megamorphic one. A spread keeps the operation's key order and gives it
 * Object's prototype, as placing always has, so fast-check maps a placed
 * operation back to the record it was.
 */
function mapOp(op: OpDesc, cfg: WorldConfig, f: Mapper, align: boolean): OpDesc {
  switch (op.kind) {
    case "page_fault":
      return { ...op, gfn: f(op.gfn, cfg) };
    case "shadow_gfn":
      return { ...op, gfn: f(op.gfn, cfg) };
    case "get_dirty_log":
      return { ...op, gfn: f(op.gfn, cfg) };
    case "hw_access":
      return { ...op, gfn: f(op.gfn, cfg) };
    case "fast_page_fault":
      return { ...op, gfn: f(op.gfn, cfg) };
    case "zap_page": {
      const g = f(op.gfn, cfg);
      const span = spanAt(cfg, op.level);
      return { ...op, gfn: align ? g - (g % span) : g };
    }
    default:
      // A generated record, perhaps a dictionary: copied fast (checker/search/fast_record.ts).
      return fastRecord(op);
  }
}

/** Every operation of a list mapped (a loop: no closure per trace). */
function mapOps(ops: readonly OpDesc[], cfg: WorldConfig, f: (op: OpDesc, cfg: WorldConfig) => OpDesc): OpDesc[] {
  const out = new Array<OpDesc>(ops.length);
  for (let i = 0; i < ops.length; i++) out[i] = f(ops[i]!, cfg);
  return out;
}

export const placeOp = (op: OpDesc, cfg: WorldConfig): OpDesc => mapOp(op, cfg, placeGfn, true);
export const unplaceOp = (op: OpDesc, cfg: WorldConfig): OpDesc => mapOp(op, cfg, unplaceGfn, false);

/** The trace with its operations mapped; its other generated records copied fast, the same values. */
function mapTrace(t: SeriesTrace, f: (op: OpDesc, cfg: WorldConfig) => OpDesc): SeriesTrace {
  const config = fastConfig(t.config);
  const threads = new Array<SeriesTrace["threads"][number]>(t.threads.length);
  for (let i = 0; i < threads.length; i++) {
    const th = t.threads[i]!;
    threads[i] = { ...th, ops: mapOps(th.ops, config, f) };
  }
  return { ...t, config, setup: mapOps(t.setup, config, f), threads, preemptions: t.preemptions.map(fastRecord) };
}

export const placeTrace = (t: SeriesTrace): SeriesTrace => mapTrace(t, placeOp);
export const unplaceTrace = (t: SeriesTrace): SeriesTrace => mapTrace(t, unplaceOp);
