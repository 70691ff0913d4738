/**
 * --mutants: every catalogued mutant of a subject, checked by the main job
 * with the same budget; a row per mutant: detected or not, runs to detection,
 * counterexample size, and (apart, in `timing`) the wall time.
 */
import type { Progress } from "../progress";
import type { Subject, Variant } from "../subject";
import { catalogue, DEFAULT_SUBJECT } from "../variants";
import { check, type CheckRequest } from "./check";
import { loadScenario } from "../exhaustive/scenario_files";
import { exhaustive } from "./exhaustive";

/** The preemption bound of the exhaustive run that gives a mutant's fewest preemptions. */
export const FEWEST_PREEMPTIONS_BOUND = 2;

/**
 * The exhaustive mode on the mutant's named scenario (under x86-TSO for a
 * mutant only x86-TSO shows), at bounds 0, 1, ... FEWEST_PREEMPTIONS_BOUND
 * in turn until one shows it: the fewest preemptions of a schedule that
 * shows the mutant there, or null when none within the bound does (or a run
 * was incomplete). Smallest bound first: a deeper search may take long to
 * reach a schedule a shallower one finds at once.
 */
export function fewestPreemptions(variant: Variant): { scenario: string; fewestPreemptions: number | null } | null {
  const name = variant.mutant?.scenario;
  if (name === undefined) return null;
  const scenario = loadScenario(name);
  for (let k = 0; k <= FEWEST_PREEMPTIONS_BOUND; k++) {
    const s = exhaustive({ variant, scenario, preemptions: k }).summary;
    if (s.verdict === "violation") return { scenario: name, fewestPreemptions: s.violation!.preemptions };
    if (s.verdict !== "verified") break;
  }
  return { scenario: name, fewestPreemptions: null };
}

export interface MutantRow {
  name: string;
  design: string;
  /** Shown by the sampled check, or by the exhaustive run of its named scenario. */
  detected: boolean;
  /** Shown by the sampled check (the invariant, runs, steps, ops and preemptions below are its). */
  sampled: boolean;
  interrupted: boolean;
  invariant: string | null;
  runs: number | null;
  steps: number | null;
  operations: number | null;
  preemptions: number | null;
  /** The exhaustive mode on the mutant's named scenario: the fewest preemptions that show it (null: none within the bound); null without a scenario. */
  exhaustive: { scenario: string; fewestPreemptions: number | null } | null;
  timing: { ms: number; msToDetection: number | null };
}

export interface CatalogueHooks {
  progress?: (p: Progress) => void;
  interrupted?: () => boolean;
  /** false: leave out the exhaustive run of each mutant's named scenario (`exhaustive` is then null). */
  fewestPreemptions?: boolean;
}

/** One mutant through the main job (sequential, then concurrent) with the catalogue's budget. */
export function checkMutant(base: Omit<CheckRequest, "variant">, variant: Variant, hooks: CatalogueHooks = {}): MutantRow {
  const t0 = Date.now();
  const r = check({ ...base, variant, tso: base.tso || variant.needsTso }, hooks.interrupted ? { interrupted: hooks.interrupted } : {}).summary;
  const v = r.violation;
  const ex = hooks.fewestPreemptions === false || r.interrupted ? null : fewestPreemptions(variant);
  return {
    name: variant.mutant!.name,
    design: variant.design.name,
    detected: v !== null || (ex?.fewestPreemptions ?? null) !== null,
    sampled: v !== null,
    interrupted: r.interrupted,
    invariant: v?.invariant ?? null,
    runs: r.runsToDetection,
    steps: v === null ? null : v.atomicSteps,
    operations: v?.operations ?? null,
    preemptions: v?.preemptions ?? null,
    exhaustive: ex,
    timing: { ms: Date.now() - t0, msToDetection: r.timing.msToDetection },
  };
}

export interface CatalogueResult {
  rows: MutantRow[];
  interrupted: boolean;
  text: string;
}

export function runCatalogue(base: Omit<CheckRequest, "variant">, hooks: CatalogueHooks = {}, subject: Subject = DEFAULT_SUBJECT): CatalogueResult {
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
  return catalogueReport(rows, interrupted, base, subject);
}

/** The catalogue's table and its last line, from its rows (in catalogue order). */
export function catalogueReport(rows: MutantRow[], interrupted: boolean, base: Omit<CheckRequest, "variant">, subject: Subject): CatalogueResult {
  const all = subject.mutants;
  const header = ["mutant", "detected", "invariant", "runs", "steps", "ops", "preemptions", "exhaustive: fewest preemptions"];
  const fewest = (r: MutantRow): string => (r.exhaustive === null ? "-" : `${r.exhaustive.fewestPreemptions ?? `none within ${FEWEST_PREEMPTIONS_BOUND}`} (${r.exhaustive.scenario})`);
  const cell = (r: MutantRow) => [r.name, r.sampled ? "yes" : r.detected ? "exhaustive" : r.interrupted ? "interrupted" : "NO", r.invariant ?? "-", String(r.runs ?? "-"), String(r.steps ?? "-"), String(r.operations ?? "-"), String(r.preemptions ?? "-"), fewest(r)];
  const table = [header, ...rows.map(cell)];
  const w = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const text = table.map((row) => row.map((c, i) => c.padEnd(w[i]!)).join("  ").trimEnd()).join("\n");
  const detected = rows.filter((r) => r.detected).length;
  const onlyExhaustive = rows.filter((r) => r.detected && !r.sampled).length;
  const how = onlyExhaustive === 0 ? "" : `, ${onlyExhaustive} of them by the exhaustive mode only`;
  const tail = interrupted ? `interrupted after ${rows.length} of ${all.length} mutants: ${detected} detected so far` : `${detected}/${rows.length} mutants detected${how}`;
  return { rows, interrupted, text: `${text}\n\n${tail} (subject ${subject.name}, each on its own design, seed ${base.seed}, up to ${base.sequences} sequences and ${base.runs} concurrent runs each)` };
}
