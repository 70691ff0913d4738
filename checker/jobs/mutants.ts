/**
 * --mutants: every catalogued mutant, checked with the same budget; a row per
 * mutant: detected or not, runs and time to detection, counterexample size.
 */
import type { Subject, Variant } from "../subject";
import { catalogue, DEFAULT_SUBJECT } from "../variants";
import { check, type CheckRequest } from "./check";

export interface MutantRow {
  name: string;
  detected: boolean;
  invariant: string | null;
  runs: number | null;
  ms: number;
  steps: number | null;
  operations: number | null;
  preemptions: number | null;
}

/** One mutant through the main job (sequential, then concurrent) with the catalogue's budget. */
export function checkMutant(base: Omit<CheckRequest, "variant">, variant: Variant): MutantRow {
  const t0 = Date.now();
  const r = check({ ...base, variant, tso: base.tso || variant.needsTso }).summary;
  const v = r.violation;
  return {
    name: variant.mutant!.name,
    detected: v !== null,
    invariant: v?.invariant ?? null,
    runs: r.runsToDetection,
    ms: Date.now() - t0,
    steps: v === null ? null : v.atomicSteps,
    operations: v?.operations ?? null,
    preemptions: v?.preemptions ?? null,
  };
}

export function runCatalogue(base: Omit<CheckRequest, "variant">, progress: (s: string) => void = () => {}, subject: Subject = DEFAULT_SUBJECT): { rows: MutantRow[]; text: string } {
  const rows: MutantRow[] = [];
  for (const v of catalogue(subject)) {
    progress(`[rmapcheck] mutant ${v.mutant!.name}`);
    rows.push(checkMutant(base, v));
  }
  const header = ["mutant", "detected", "invariant", "runs", "ms", "steps", "ops", "preemptions"];
  const table = [header, ...rows.map((r) => [r.name, r.detected ? "yes" : "NO", r.invariant ?? "-", String(r.runs ?? "-"), String(r.ms), String(r.steps ?? "-"), String(r.operations ?? "-"), String(r.preemptions ?? "-")])];
  const w = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const text = table.map((row) => row.map((c, i) => c.padEnd(w[i]!)).join("  ").trimEnd()).join("\n");
  const detected = rows.filter((r) => r.detected).length;
  return { rows, text: `${text}\n\n${detected}/${rows.length} mutants detected (each on its own design, seed ${base.seed}, up to ${base.sequences} sequences and ${base.runs} concurrent runs each)` };
}
