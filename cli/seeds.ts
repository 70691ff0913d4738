/**
 * --seeds A..B (or A-B): the sampled check once per seed, with the same other
 * options; one line per seed (its verdict, and where its counterexample went)
 * and the detection rate. JSON: { seeds: [row per seed], detected, of, rate }.
 * Exit 1 when any seed finds a violation, as a single check does.
 */
import type { Summary } from "../checker";

export interface SeedRow {
  seed: number;
  ok: boolean;
  interrupted: boolean;
  invariant: string | null;
  runsToDetection: number | null;
  atomicSteps: number | null;
  preemptions: number | null;
  file: string | null;
}

/** "A..B" or "A-B" with A <= B; at most 10,000 seeds. */
export function parseSeeds(v: string): [number, number] | null {
  const m = /^(\d+)(?:\.\.|-)(\d+)$/.exec(v);
  if (m === null) return null;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a <= b && b <= 2 ** 31 - 1 && b - a < 10_000 ? [a, b] : null;
}

export function seedRow(seed: number, s: Summary): SeedRow {
  const v = s.violation;
  return { seed, ok: s.ok, interrupted: s.interrupted, invariant: v?.invariant ?? null, runsToDetection: s.runsToDetection, atomicSteps: v?.atomicSteps ?? null, preemptions: v?.preemptions ?? null, file: v?.file ?? null };
}

export function seedsReport(rows: readonly SeedRow[], range: [number, number], json: boolean): string {
  const detected = rows.filter((r) => r.invariant !== null).length;
  const of = range[1] - range[0] + 1;
  const complete = rows.length === of && !rows.some((r) => r.interrupted);
  const rate = rows.length > 0 ? detected / rows.length : 0;
  if (json) return JSON.stringify({ seeds: rows, detected, of, complete, rate });
  const lines = rows.map((r) => {
    if (r.invariant === null) return `seed ${r.seed}: ${r.interrupted ? "interrupted" : "ok"}`;
    const where = r.file === null ? "" : `\n  ${r.file}`;
    return `seed ${r.seed}: VIOLATION of ${r.invariant} (run ${r.runsToDetection}, ${r.atomicSteps} steps, ${r.preemptions} preemptions)${where}`;
  });
  const pct = Math.round(100 * rate);
  lines.push(complete ? `detected on ${detected} of ${of} seeds (${pct}%)` : `interrupted after ${rows.length} of ${of} seeds: detected on ${detected} (${pct}%), no verdict`);
  return lines.join("\n");
}
