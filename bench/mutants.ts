/**
 * The mutant catalogue on many seeds: time and runs to detection, and the
 * counterexample sizes; and the correct implementation under the same budget.
 */
import { catalogue, check, type CheckRequest, DEFAULT_SUBJECT, resolveVariant, type Subject } from "../checker";

export interface MutantBench {
  name: string;
  origin: string;
  detectedOn: number;
  seeds: number;
  /** Time to detection (first violation seen), per seed. */
  medianMs: number;
  maxMs: number;
  /** Including fast-check shrinking and 1-minimisation. */
  medianTotalMs: number;
  medianRuns: number;
  medianSteps: number;
  medianOps: number;
  invariants: string[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
}

export function baseOptions(seed: number, runs: number, sequences: number): Omit<CheckRequest, "variant"> {
  return { seed, runs, sequences, scheduler: "pct", depth: 3, tso: false };
}

export function benchMutants(seeds: number[], runs: number, sequences: number, log: (s: string) => void, subject: Subject = DEFAULT_SUBJECT): MutantBench[] {
  return catalogue(subject).map((variant) => {
    const m = variant.mutant!;
    const ms: number[] = [];
    const total: number[] = [];
    const rs: number[] = [];
    const steps: number[] = [];
    const ops: number[] = [];
    const inv = new Set<string>();
    let detected = 0;
    for (const seed of seeds) {
      const t0 = Date.now();
      const r = check({ ...baseOptions(seed, runs, sequences), variant, tso: variant.needsTso }).summary;
      const dt = Date.now() - t0;
      total.push(dt);
      if (r.violation !== null) {
        detected++;
        ms.push(r.msToDetection!);
        rs.push(r.runsToDetection!);
        steps.push(r.violation.atomicSteps);
        ops.push(r.violation.operations);
        inv.add(r.violation.invariant);
      } else ms.push(dt);
    }
    log(`  ${m.name}: ${detected}/${seeds.length}, median ${median(ms)} ms, max ${Math.max(...ms)} ms to detection`);
    return { name: m.name, origin: m.origin, detectedOn: detected, seeds: seeds.length, medianMs: median(ms), maxMs: Math.max(...ms), medianTotalMs: median(total), medianRuns: median(rs), medianSteps: median(steps), medianOps: median(ops), invariants: [...inv] };
  });
}

/** The correct implementation (and the baseline) under the same budget, on the same seeds. */
export function benchCorrect(design: string, seeds: number[], runs: number, sequences: number, subject: Subject = DEFAULT_SUBJECT): { passed: number; seeds: number; steps: number; checks: number; maxMs: number } {
  let passed = 0;
  let steps = 0;
  let checks = 0;
  let maxMs = 0;
  for (const seed of seeds) {
    const t0 = Date.now();
    const r = check({ ...baseOptions(seed, runs, sequences), variant: resolveVariant(design, null, subject) }).summary;
    maxMs = Math.max(maxMs, Date.now() - t0);
    if (r.ok) passed++;
    steps += r.steps;
    checks += r.invariantChecks;
  }
  return { passed, seeds: seeds.length, steps, checks, maxMs };
}
