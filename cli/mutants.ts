/**
 * --mutants: every catalogued mutant, checked with the same budget; a row per
 * mutant: detected or not, runs and time to detection, counterexample size.
 */
import { MUTANTS } from "../impl/mutants";
import { explore } from "../properties/explore";
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

export function checkMutant(o: Options, name: string): MutantRow {
  const m = MUTANTS.find((x) => x.name === name)!;
  const t0 = Date.now();
  const r = explore({ design: o.design, seed: o.seed, runs: o.runs, scheduler: o.scheduler, depth: o.depth, tso: o.tso || m.needsTso === true, mutant: { name: m.name, overrides: m.overrides } });
  const ms = Date.now() - t0;
  const cx = r.counterexample;
  return {
    name,
    detected: cx !== null,
    invariant: cx?.violation.invariant ?? null,
    runs: r.runsToDetection,
    ms,
    steps: cx ? cx.schedule.length : null,
    operations: cx ? cx.trace.setup.length + cx.trace.threads.reduce((n, t) => n + t.ops.length, 0) : null,
    preemptions: cx ? cx.trace.preemptions.length : null,
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
  return { rows, text: `${text}\n\n${detected}/${rows.length} mutants detected (design ${o.design}, seed ${o.seed}, ${o.runs} runs each)` };
}
