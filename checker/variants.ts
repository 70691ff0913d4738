/**
 * Designs and mutants, resolved once. A name given on the command line or
 * read from a counterexample file is looked up here and nowhere else; the
 * rest of the checker receives a Variant, which carries everything it needs:
 * the symbol table to build the VM with, the model's flush style, whether the
 * variant is only observable under x86-TSO, and the names to print.
 */
import { type Design, DESIGNS } from "../impl/designs";
import { type Mutant, MUTANTS } from "../impl/mutants";
import { applyOverrides, type Symbols } from "../impl/symbols";
import type { FlushStyle } from "../model/spec";
import { BadInput } from "./bad_input";

export type { Design } from "../impl/designs";
export type { Mutant } from "../impl/mutants";

export interface Variant {
  readonly design: Design;
  readonly mutant: Mutant | null;
  /** The kernel's symbols with the design's and then the mutant's replacements. */
  readonly symbols: Symbols;
  /** How the model empties a deleted slot (model/spec.ts Params). */
  readonly flush: FlushStyle;
  /** A memory-ordering mutant: only observable under x86-TSO. */
  readonly needsTso: boolean;
}

/** The design a mutant changes unless the user names another: the corrected series, which passes. */
const MUTANT_DEFAULT_DESIGN = "v3-fixed";
/** The design checked when none is named: the series as specified. */
export const DEFAULT_DESIGN = "v3";

export const designNames = (): string[] => DESIGNS.map((d) => d.name);
export const mutantNames = (): string[] => MUTANTS.map((m) => m.name);

export function findDesign(name: string): Design | undefined {
  return DESIGNS.find((d) => d.name === name);
}

export function findMutant(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}

export function variantOf(design: Design, mutant: Mutant | null): Variant {
  const layers = mutant === null ? [design.overrides] : [design.overrides, mutant.overrides];
  return { design, mutant, symbols: applyOverrides(...layers), flush: design.flush, needsTso: mutant?.needsTso === true };
}

/**
 * The variant for a design name and an optional mutant name. Without a
 * design name: the mutant's own design, else v3-fixed for a mutant, else v3.
 * An unknown name is BadInput.
 */
export function resolveVariant(designName: string | null, mutantName: string | null): Variant {
  const mutant = mutantName === null ? null : findMutant(mutantName);
  if (mutant === undefined) throw new BadInput(`unknown mutant "${mutantName}" (--list shows the ${MUTANTS.length} catalogued mutants)`);
  const name = designName ?? (mutant === null ? DEFAULT_DESIGN : (mutant.design ?? MUTANT_DEFAULT_DESIGN));
  const design = findDesign(name);
  if (design === undefined) throw new BadInput(`unknown design "${name}" (one of: ${designNames().join(", ")})`);
  return variantOf(design, mutant);
}

/** Every mutant as the variant the catalogue checks it in. */
export function catalogue(): Variant[] {
  return MUTANTS.map((m) => resolveVariant(null, m.name));
}

/** Every design and mutant with its one-line description, in catalogue order (--list). */
export function listing(): { designs: Array<{ name: string; summary: string }>; mutants: Array<{ name: string; design: string; bug: string; needsTso: boolean }> } {
  return {
    designs: DESIGNS.map((d) => ({ name: d.name, summary: d.summary })),
    mutants: catalogue().map((v) => ({ name: v.mutant!.name, design: v.design.name, bug: v.mutant!.bug, needsTso: v.needsTso })),
  };
}
