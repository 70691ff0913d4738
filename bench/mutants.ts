/**
 * The mutant catalogue on many seeds: time and runs to detection, and the
 * counterexample sizes.
 */
import { catalogue, check, type CheckRequest, DEFAULT_CHECK, DEFAULT_SUBJECT, fewestPreemptions, type Subject } from "../checker";
import { median } from "./verdicts";

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
  /** The exhaustive mode on the mutant's named scenario (bound 2): its fewest preemptions; null without a scenario. */
  exhaustive: { scenario: string; fewestPreemptions: number | null } | null;
}

/** The main job's defaults with the catalogue's budget. */
function options(seed: number, runs: number, sequences: number): Omit<CheckRequest, "variant"> {
  return { ...DEFAULT_CHECK, seed, runs, sequences };
}

export function benchMutants(
  seeds: number[],
  runs: number,
  sequences: number,
  log: (s: string) => void,
  subject: Subject = DEFAULT_SUBJECT,
  origin: string | null = null,
  onRow: (done: MutantBench[], total: number) => void = () => undefined,
): MutantBench[] {
  const variants = catalogue(subject).filter((v) => origin === null || v.mutant!.origin === origin);
  const done: MutantBench[] = [];
  return variants.map((variant) => {
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
      const r = check({ ...options(seed, runs, sequences), variant, tso: variant.needsTso }).summary;
      const dt = Date.now() - t0;
      total.push(dt);
      if (r.violation !== null) {
        detected++;
        ms.push(r.timing.msToDetection!);
        rs.push(r.runsToDetection!);
        steps.push(r.violation.atomicSteps);
        ops.push(r.violation.operations);
        inv.add(r.violation.invariant);
      } else ms.push(dt);
    }
    log(`  ${m.name}: ${detected}/${seeds.length}, median ${median(ms)} ms, max ${Math.max(...ms)} ms to detection`);
    const row: MutantBench = { name: m.name, origin: m.origin, detectedOn: detected, seeds: seeds.length, medianMs: median(ms), maxMs: Math.max(...ms), medianTotalMs: median(total), medianRuns: median(rs), medianSteps: median(steps), medianOps: median(ops), invariants: [...inv], exhaustive: fewestPreemptions(variant) };
    done.push(row);
    onRow(done, variants.length);
    return row;
  });
}
