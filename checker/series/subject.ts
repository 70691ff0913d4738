/**
 * The 2013 subject: the rmap layer of the KVM x86 MMU under Xiao
 * Guangrong's v3 series "fast zap all shadow pages" (and the v3.10 baseline),
 * as a Subject of the checker.
 */
import type fc from "fast-check";
import { invariantNamed } from "../../model/invariants";
import type { OpDesc } from "../../model/operations";
import { lazyModule } from "../lazy_module";
import type { Subject, Trace, Variant } from "../subject";
import { runArb } from "./concurrent_arbitraries";
import type * as FileSchema from "./file_schema";
import { opText } from "./operations";
import { sequentialProperty } from "./sequential_property";
import { runSequential } from "./sequential_run";
import { buildSeriesTrace, ROLES, type SeriesTrace } from "./trace_build";
import { seriesTraceProblem } from "./trace_problem";
import { seriesDesigns, seriesMutants, seriesVariant } from "./variants";
import type { WorldConfig } from "./world";

/** A configuration on one line. */
export function configLine(c: WorldConfig): string {
  const k = c.kvm;
  const slots = c.slots.map((s) => `slot ${s.id}: gfn [0x${s.baseGfn.toString(16)}, +${s.npages}) at hva 0x${s.userspaceAddr.toString(16)}`);
  return `PTE_LIST_EXT=${k.PTE_LIST_EXT}, level shift ${k.levelShift}, ${k.sptesPerPage} sptes/page, ${k.adBits ? "A/D bits" : "no A/D bits"}; ${slots.join("; ")}`;
}

/** Smaller configurations: a slot with one page fewer, or without the last slot. Sizes only decrease. */
export function configShrinks(t: Trace): Trace[] {
  const trace = t as SeriesTrace;
  const out: Trace[] = [];
  const slots = trace.config.slots;
  slots.forEach((sl, i) => {
    if (sl.npages > 1) out.push({ ...trace, config: { ...trace.config, slots: slots.map((x, j) => (j === i ? { ...x, npages: x.npages - 1 } : x)) } });
  });
  if (slots.length > 1) out.push({ ...trace, config: { ...trace.config, slots: slots.slice(0, -1) } });
  return out;
}

const fileSchema = lazyModule(() => require("./file_schema") as typeof FileSchema);

export const series: Subject = {
  name: "series",
  summary: "the 2013 v3 series \"KVM: MMU: fast zap all shadow pages\" (invalid rmaps unmapped without mmu_lock) and the v3.10 baseline",
  designs: seriesDesigns,
  mutants: seriesMutants,
  defaultDesign: "v3",
  roles: ROLES,
  pctSteps: 160,
  variant: (design, mutant) => seriesVariant(series, design, mutant),
  hasInvariant: (name) => invariantNamed(name) !== undefined,
  opText: (op) => opText(op as OpDesc),
  configLine: (c) => configLine(c as WorldConfig),
  runArb: (v: Variant) => runArb(v.design.name),
  build: buildSeriesTrace,
  configShrinks,
  sequentialProperty: (v, hooks) => sequentialProperty(v, hooks) as unknown as fc.IProperty<unknown>,
  runSequential,
  // Loaded on first use (zod costs a command ~0.1 s of start-up; checker/lazy_module.ts).
  get configSchema() {
    return fileSchema().seriesConfigSchema;
  },
  get opSchema() {
    return fileSchema().seriesOpSchema;
  },
  traceProblem: seriesTraceProblem,
};
