/**
 * The 2013 series' designs and mutants as variants. A SeriesVariant carries
 * what the series' world needs: the symbol table to build the VM with and the
 * model's flush style.
 */
import { type Design, DESIGNS } from "../../impl/designs";
import { type Mutant, MUTANTS } from "../../impl/mutants";
import { applyOverrides, type Symbols } from "../../impl/symbols";
import type { FlushStyle } from "../../model/spec";
import type { DesignInfo, MutantInfo, Subject, Variant } from "../subject";

/** The design a mutant changes unless it says otherwise: the corrected series, which passes. */
const MUTANT_DEFAULT_DESIGN = "v3-fixed";

export interface SeriesVariant extends Variant {
  readonly kernelDesign: Design;
  readonly kernelMutant: Mutant | null;
  /** The kernel's symbols with the design's and then the mutant's replacements. */
  readonly symbols: Symbols;
  /** How the model empties a deleted slot (model/spec.ts Params). */
  readonly flush: FlushStyle;
}

export const seriesDesigns: readonly DesignInfo[] = DESIGNS.map((d) => ({
  name: d.name,
  summary: d.summary,
  knownRace: d.knownRace,
  ...(d.shownBy ? { shownBy: d.shownBy } : {}),
  ...(d.executors ? { engineThreads: d.executors } : {}),
}));

export const seriesMutants: readonly MutantInfo[] = MUTANTS.map((m) => ({
  name: m.name,
  bug: m.bug,
  origin: m.origin,
  design: m.design ?? MUTANT_DEFAULT_DESIGN,
  needsTso: m.needsTso === true,
  ...(m.scenario ? { scenario: m.scenario } : {}),
}));

/** The variant for names already checked against seriesDesigns / seriesMutants. */
export function seriesVariant(subject: Subject, designName: string, mutantName: string | null): SeriesVariant {
  const index = DESIGNS.findIndex((d) => d.name === designName);
  const design = DESIGNS[index]!;
  const m = mutantName === null ? -1 : MUTANTS.findIndex((x) => x.name === mutantName);
  const mutant = m < 0 ? null : MUTANTS[m]!;
  const layers = mutant === null ? [design.overrides] : [design.overrides, mutant.overrides];
  return {
    subject,
    design: seriesDesigns[index]!,
    mutant: m < 0 ? null : seriesMutants[m]!,
    needsTso: mutant?.needsTso === true,
    kernelDesign: design,
    kernelMutant: mutant,
    symbols: applyOverrides(...layers),
    flush: design.flush,
  };
}

/** The series' view of a variant (every variant the series builds is one). */
export function asSeries(v: Variant): SeriesVariant {
  return v as SeriesVariant;
}
