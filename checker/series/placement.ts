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
import type { SeriesTrace } from "./trace_build";
import type { WorldConfig } from "./world";

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

function mapOp(op: OpDesc, cfg: WorldConfig, f: Mapper, align: boolean): OpDesc {
  switch (op.kind) {
    case "page_fault":
    case "shadow_gfn":
    case "get_dirty_log":
    case "hw_access":
    case "fast_page_fault":
      return { ...op, gfn: f(op.gfn, cfg) };
    case "zap_page": {
      const g = f(op.gfn, cfg);
      const span = spanAt(cfg, op.level);
      return { ...op, gfn: align ? g - (g % span) : g };
    }
    default:
      return op;
  }
}

export const placeOp = (op: OpDesc, cfg: WorldConfig): OpDesc => mapOp(op, cfg, placeGfn, true);
export const unplaceOp = (op: OpDesc, cfg: WorldConfig): OpDesc => mapOp(op, cfg, unplaceGfn, false);

function mapTrace(t: SeriesTrace, f: (op: OpDesc, cfg: WorldConfig) => OpDesc): SeriesTrace {
  return { ...t, setup: t.setup.map((o) => f(o, t.config)), threads: t.threads.map((th) => ({ ...th, ops: th.ops.map((o) => f(o, t.config)) })) };
}

export const placeTrace = (t: SeriesTrace): SeriesTrace => mapTrace(t, placeOp);
export const unplaceTrace = (t: SeriesTrace): SeriesTrace => mapTrace(t, unplaceOp);
