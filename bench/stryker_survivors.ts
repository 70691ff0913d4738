/**
 * Why a Stryker mutant of impl/ survives the property suite: each entry
 * matches a file and the mutated line, and says whether the mutant is
 * equivalent (and why) or which gap in the properties lets it live.
 */
interface Reason {
  file: RegExp;
  line: RegExp;
  mutator?: RegExp;
  why: string;
}

const REASONS: Reason[] = [];

export function explain(file: string, line: string, mutator: string, replacement: string): string {
  for (const r of REASONS) if (r.file.test(file) && r.line.test(line) && (r.mutator === undefined || r.mutator.test(mutator))) return r.why;
  return "not yet analysed";
}
