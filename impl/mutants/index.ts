/**
 * The mutant catalogue (docs/mutants.md): each entry is a named, single-idea
 * change to the implementation, expressed as replaced kernel symbols. The
 * unmutated code is untouched; --mutant <name> selects one at run time.
 */
import type { Symbols } from "../symbols";
import { remove_entry_no_backfill, remove_entry_off_by_one } from "./pte_list";

export interface Mutant {
  readonly name: string;
  /** The bug, in one sentence. */
  readonly bug: string;
  /** spec §5 row it comes from, or "new". */
  readonly origin: string;
  readonly overrides: Partial<Symbols>;
  /** Only observable under x86-TSO (memory-ordering mutants). */
  readonly needsTso?: boolean;
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: "no-backfill",
    bug: "pte_list_desc_remove_entry clears the entry without moving the last one into it, leaving a hole",
    origin: "M10",
    overrides: { pte_list_desc_remove_entry: remove_entry_no_backfill },
  },
  {
    name: "remove-j-off-by-one",
    bug: "pte_list_desc_remove_entry's back-fill scan stops one index early",
    origin: "M10",
    overrides: { pte_list_desc_remove_entry: remove_entry_off_by_one },
  },
];

export function mutantNamed(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}
