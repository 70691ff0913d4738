/**
 * --mutants: every catalogued mutant of a subject, checked by the main job
 * with the same budget; a row per mutant: detected or not, runs to detection,
 * counterexample size, and (apart, in `timing`) the wall time.
 */
import type { Progress } from "../progress";
import type { Subject, Variant } from "../subject";
import { catalogue, DEFAULT_SUBJECT } from "../variants";
import { check, type CheckRequest } from "./check";

export interface MutantRow {
  name: string;
  design: string;
  detected: boolean;
  interrupted: boolean;
  invariant: string | null;
  runs: number | null;
  steps: number | null;
  operations: number | null;
  preemptions: number | null;
  timing: { ms: number; msToDetection: number | null };
}

export interface CatalogueHooks {
  progress?: (p: Progress) => void;
  interrupted?: () => boolean;
}

/** One mutant through the main job (sequential, then concurrent) with the catalogue's budget. */
export function checkMutant(base: Omit<CheckRequest, "variant">, variant: Variant, hooks: CatalogueHooks = {}): MutantRow {
  const t0 = Date.now();
  const r = check({ ...base, variant, tso: base.tso || variant.needsTso }, hooks.interrupted ? { interrupted: hooks.interrupted } : {}).summary;
  const v = r.violation;
  return {
    name: variant.mutant!.name,
    design: variant.design.name,
    detected: v !== null,
    interrupted: r.interrupted,
    invariant: v?.invariant ?? null,
    runs: r.runsToDetection,
    steps: v === null ? null : v.atomicSteps,
    operations: v?.operations ?? null,
    preemptions: v?.preemptions ?? null,
    timing: { ms: Date.now() - t0, msToDetection: r.timing.msToDetection },
  };
}

export function runCatalogue(base: Omit<CheckRequest, "variant">, hooks: CatalogueHooks = {}, subject: Subject = DEFAULT_SUBJECT): { rows: MutantRow[]; interrupted: boolean; text: string } {
  const rows: MutantRow[] = [];
  const all = catalogue(subject);
  let interrupted = false;
  for (const v of all) {
    if (hooks.interrupted?.()) {
      interrupted = true;
      break;
    }
    hooks.progress?.({ phase: "mutants", done: rows.length, budget: all.length, violations: rows.filter((r) => r.detected).length });
    const row = checkMutant(base, v, hooks);
    rows.push(row);
    if (row.interrupted) {
      interrupted = true;
      break;
    }
  }
  const header = ["mutant", "detected", "invariant", "runs", "steps", "ops", "preemptions"];
  const cell = (r: MutantRow) => [r.name, r.detected ? "yes" : r.interrupted ? "interrupted" : "NO", r.invariant ?? "-", String(r.runs ?? "-"), String(r.steps ?? "-"), String(r.operations ?? "-"), String(r.preemptions ?? "-")];
  const table = [header, ...rows.map(cell)];
  const w = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const text = table.map((row) => row.map((c, i) => c.padEnd(w[i]!)).join("  ").trimEnd()).join("\n");
  const detected = rows.filter((r) => r.detected).length;
  const tail = interrupted ? `interrupted after ${rows.length} of ${all.length} mutants: ${detected} detected so far` : `${detected}/${rows.length} mutants detected`;
  return { rows, interrupted, text: `${text}\n\n${tail} (subject ${subject.name}, each on its own design, seed ${base.seed}, up to ${base.sequences} sequences and ${base.runs} concurrent runs each)` };
}
