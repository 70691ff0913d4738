/**
 * The verdicts of the main job with its default options (DEFAULT_CHECK), on
 * many seeds: every design (known race found? how fast?), the designs with no
 * known race under every scheduler and memory model, and how often the search
 * reaches the race windows the hand-written race tests build.
 */
import { check, DEFAULT_CHECK, DEFAULT_SUBJECT, listing, resolveVariant, type SchedulerName, type Subject, windowReach } from "../checker";

export interface DesignRow {
  name: string;
  knownRace: string | null;
  seeds: number;
  /** Seeds with a violation. */
  detected: number;
  invariants: string[];
  /** Over the seeds with a violation: runs and wall-clock ms to the first violation. */
  medianRuns: number;
  maxRuns: number;
  medianMs: number;
  maxMs: number;
  /** Over every seed: the whole job (with shrinking), ms. */
  maxTotalMs: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
}

export function designVerdicts(seeds: number[], log: (s: string) => void, subject: Subject = DEFAULT_SUBJECT): DesignRow[] {
  return listing(subject).designs.map((d) => {
    const variant = resolveVariant(d.name, null, subject);
    const runs: number[] = [];
    const ms: number[] = [];
    const inv = new Set<string>();
    let maxTotalMs = 0;
    for (const seed of seeds) {
      const t0 = Date.now();
      const s = check({ ...DEFAULT_CHECK, seed, variant }).summary;
      maxTotalMs = Math.max(maxTotalMs, Date.now() - t0);
      if (s.violation !== null) {
        runs.push(s.runsToDetection!);
        ms.push(s.timing.msToDetection!);
        inv.add(s.violation.invariant);
      }
    }
    log(`  ${d.name}: ${runs.length}/${seeds.length} seeds with a violation`);
    return { name: d.name, knownRace: d.knownRace, seeds: seeds.length, detected: runs.length, invariants: [...inv].sort(), medianRuns: median(runs), maxRuns: Math.max(0, ...runs), medianMs: median(ms), maxMs: Math.max(0, ...ms), maxTotalMs };
  });
}

export interface ModeRow {
  design: string;
  scheduler: SchedulerName;
  tso: boolean;
  seeds: number;
  passed: number;
  /** Seeds that reported a violation, with its invariant. */
  failures: string[];
  steps: number;
  checks: number;
  maxMs: number;
}

export const SCHEDULERS: readonly SchedulerName[] = ["pct", "random", "preemptions"];

/** The designs with no known race, under each scheduler and memory model, with the default budget. */
export function correctModes(seeds: number[], log: (s: string) => void, subject: Subject = DEFAULT_SUBJECT): ModeRow[] {
  const rows: ModeRow[] = [];
  for (const d of listing(subject).designs.filter((x) => x.knownRace === null)) {
    const variant = resolveVariant(d.name, null, subject);
    for (const scheduler of SCHEDULERS) {
      for (const tso of [false, true]) {
        const row: ModeRow = { design: d.name, scheduler, tso, seeds: seeds.length, passed: 0, failures: [], steps: 0, checks: 0, maxMs: 0 };
        for (const seed of seeds) {
          const t0 = Date.now();
          const s = check({ ...DEFAULT_CHECK, seed, scheduler, tso, variant }).summary;
          row.maxMs = Math.max(row.maxMs, Date.now() - t0);
          if (s.ok) row.passed++;
          else row.failures.push(`seed ${seed}: ${s.violation?.invariant ?? "no verdict"}`);
          row.steps += s.steps;
          row.checks += s.invariantChecks;
        }
        log(`  ${d.name} ${scheduler} ${tso ? "TSO" : "SC"}: ${row.passed}/${seeds.length}`);
        rows.push(row);
      }
    }
  }
  return rows;
}

export interface WindowRow {
  name: string;
  seeds: number;
  reachedOn: number;
  medianFirstRun: number;
  maxFirstRun: number;
}

/** On each seed, the default concurrent budget of `design`: which windows it reaches, and at which run first. */
export function windowVerdicts(design: string, seeds: number[], log: (s: string) => void): WindowRow[] {
  const variant = resolveVariant(design, null);
  const per = new Map<string, number[]>();
  for (const seed of seeds) {
    const r = windowReach(variant, seed, DEFAULT_CHECK.runs, DEFAULT_CHECK.scheduler, DEFAULT_CHECK.tso);
    for (const w of r.windows) {
      if (!per.has(w.name)) per.set(w.name, []);
      if (w.firstRun !== null) per.get(w.name)!.push(w.firstRun);
    }
    log(`  seed ${seed}: ${r.windows.filter((w) => w.firstRun !== null).length}/${r.windows.length} windows in ${r.runs} runs`);
  }
  return [...per].map(([name, firsts]) => ({ name, seeds: seeds.length, reachedOn: firsts.length, medianFirstRun: median(firsts), maxFirstRun: Math.max(0, ...firsts) }));
}
