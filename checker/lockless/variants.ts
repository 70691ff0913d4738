/**
 * The lockless subject's designs and mutants as variants. A LocklessVariant
 * carries the symbol table its world is built with and the callers'
 * assumption the generator follows (impl/lockless/designs.ts).
 */
import { LOCKLESS_DESIGNS, type LocklessDesign } from "../../impl/lockless/designs";
import { LOCKLESS_MUTANTS, type LocklessMutant } from "../../impl/lockless/mutants";
import { applyLocklessOverrides, type LocklessSymbols } from "../../impl/lockless/symbols";
import type { DesignInfo, MutantInfo, Subject, Variant } from "../subject";

/**
 * The design a mutant changes unless it says otherwise: the merged code under
 * the known callers. Its one known race, L6, needs a first add and a
 * shadow-page zap inside one aging call of an empty rmap, with two
 * preemptions; the mutants' tables (docs/mutants.md) name the invariant
 * each detection violated.
 */
export const MUTANT_DEFAULT_DESIGN = "merged-aligned-callers";

export interface LocklessVariant extends Variant {
  readonly kernelDesign: LocklessDesign;
  readonly kernelMutant: LocklessMutant | null;
  readonly symbols: LocklessSymbols;
}

export const locklessDesigns: readonly DesignInfo[] = LOCKLESS_DESIGNS.map((d) => ({ name: d.name, summary: d.summary, knownRace: d.knownRace, ...(d.shownBy === undefined ? {} : { shownBy: d.shownBy }) }));

export const locklessMutants: readonly MutantInfo[] = LOCKLESS_MUTANTS.map((m) => ({
  name: m.name,
  bug: m.bug,
  origin: m.origin,
  design: m.design ?? MUTANT_DEFAULT_DESIGN,
  needsTso: m.needsTso === true,
  ...(m.scenario === undefined ? {} : { scenario: m.scenario }),
}));

/** The variant for names already checked against the lists above. */
export function locklessVariant(subject: Subject, designName: string, mutantName: string | null): LocklessVariant {
  const index = LOCKLESS_DESIGNS.findIndex((d) => d.name === designName);
  const design = LOCKLESS_DESIGNS[index]!;
  const m = mutantName === null ? -1 : LOCKLESS_MUTANTS.findIndex((x) => x.name === mutantName);
  const mutant = m < 0 ? null : LOCKLESS_MUTANTS[m]!;
  return {
    subject,
    design: locklessDesigns[index]!,
    mutant: m < 0 ? null : locklessMutants[m]!,
    needsTso: mutant?.needsTso === true,
    kernelDesign: design,
    kernelMutant: mutant,
    symbols: applyLocklessOverrides(...(mutant === null ? [design.overrides] : [design.overrides, mutant.overrides])),
  };
}

export function asLockless(v: Variant): LocklessVariant {
  return v as LocklessVariant;
}
