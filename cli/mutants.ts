/**
 * --mutants: every catalogued mutant, checked with the same budget; a row per
 * mutant: detected or not, runs and time to detection, counterexample size.
 */
import { MUTANTS, mutantNamed } from "../impl/mutants";
import { check } from "./check";
import type { Options } from "./options";

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
export function checkMutant(o: Options, name: string): MutantRow {
  const m = mutantNamed(name)!;
  const t0 = Date.now();
  const r = check({ ...o, design: m.design ?? o.design, mutant: name, tso: o.tso || m.needsTso === true }, () => {}).summary;
  const v = r.violation;
  return {
    name,
    detected: v !== null,
    invariant: v?.invariant ?? null,
    runs: r.runsToDetection,
    ms: Date.now() - t0,
    steps: v === null ? null : v.atomicSteps,
    operations: v?.operations ?? null,
    preemptions: v?.preemptions ?? null,
  };
}

export function runCatalogue(o: Options, progress: (s: string) => void): { rows: MutantRow[]; text: string } {
  const rows: MutantRow[] = [];
  for (const m of MUTANTS) {
    progress(`[rmapcheck] mutant ${m.name}`);
    rows.push(checkMutant(o, m.name));
  }
  const header = ["mutant", "detected", "invariant", "runs", "ms", "steps", "ops", "preemptions"];
  const table = [header, ...rows.map((r) => [r.name, r.detected ? "yes" : "NO", r.invariant ?? "-", String(r.runs ?? "-"), String(r.ms), String(r.steps ?? "-"), String(r.operations ?? "-"), String(r.preemptions ?? "-")])];
  const w = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const text = table.map((row) => row.map((c, i) => c.padEnd(w[i]!)).join("  ").trimEnd()).join("\n");
  const detected = rows.filter((r) => r.detected).length;
  return { rows, text: `${text}\n\n${detected}/${rows.length} mutants detected (design ${o.design}, seed ${o.seed}, up to ${o.sequences} sequences and ${o.runs} concurrent runs each)` };
}
