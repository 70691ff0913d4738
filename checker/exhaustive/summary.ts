/**
 * What an exhaustive run reports as JSON (`--json`), and how the summaries of
 * the shards of one run add up into one verdict (mergeShards). Everything but
 * `timing` is the same for the same scenario and options.
 */
import { z } from "zod";
import { BadInput } from "../bad_input";
import { readJsonFile } from "../json_file";

/** "missed-classes": --cross-check found behaviour classes the reduced search did not reach (the reduction is wrong). */
export type ExhaustiveVerdict = "verified" | "violation" | "incomplete" | "missed-classes";

/** What --cross-check K compared (runtime/exhaustive/cross_check.ts). */
export interface CrossCheckSummary {
  /** The preemption bound of the plain enumeration. */
  bound: number;
  /** false: its budget ran out; the comparison covers what was enumerated. */
  complete: boolean;
  plainExecutions: number;
  plainClasses: number;
  reducedClasses: number;
  missed: number;
  /** The first missed classes (at most 10): each thread's steps, one schedule that reaches it, what it threw. */
  examples: Array<{ behaviour: string[]; preemptions: Array<{ thread: number; after: number; to: number }>; order: number[]; failure: string | null }>;
}

export interface ExhaustiveViolation {
  invariant: string;
  detail: string;
  diff: string[];
  /** Context switches away from a runnable thread (what the bound counts). */
  preemptions: number;
  /** The bound of the exploration that found it, and the smaller bounds explored completely without one. */
  foundAtBound: number | null;
  noneWithFewer: number[];
  operations: number;
  atomicSteps: number;
  file: string | null;
  replay: string;
}

export interface ExhaustiveStats {
  /** false: a budget ran out (or, for a shard, other shards hold the rest). */
  complete: boolean;
  /** null: no bound. */
  preemptionBound: number | null;
  algorithm: "source-sets+sleep-sets" | "bounded-por";
  /** Executions run to the end, at the requested bound. */
  executions: number;
  /** Executions abandoned as redundant (sleep sets): the reduction's pruning. */
  pruned: number;
  /** Distinct states: not counted (the explorer is stateless). */
  states: null;
  atomicSteps: number;
  invariantChecks: number;
  /** Schedules plain enumeration would run (same bound, blocking ignored), as a decimal string. */
  naiveSchedules: string;
  /** naiveSchedules / executions. */
  reduction: number;
  /** Units of the whole exploration (schedule prefixes explored independently) and the ones this run explored. */
  units: number;
  explored: number[];
  shard: { index: number; count: number } | null;
  /** After --merge: the shards (1-based) whose summaries were not given. */
  missingShards?: number[];
}

export interface ExhaustiveSummary {
  ok: boolean;
  verdict: ExhaustiveVerdict;
  subject: string;
  design: string;
  mutant: string | null;
  scenario: { name: string; source: string | null };
  /** The memory model explored: sequential consistency, or x86-TSO store buffers. */
  memoryModel: "sc" | "x86-tso";
  exhaustive: ExhaustiveStats;
  violation: ExhaustiveViolation | null;
  /** --cross-check only. */
  crossCheck?: CrossCheckSummary;
  timing: { elapsedMs: number; executionsPerSecond: number };
}

/** One verdict from the summaries of shards 1/n .. n/n of one run. */
export function mergeShards(parts: readonly ExhaustiveSummary[]): ExhaustiveSummary {
  if (parts.length === 0) throw new BadInput("merge: no summaries");
  const a = parts[0]!;
  const key = (s: ExhaustiveSummary) => JSON.stringify([s.subject, s.design, s.mutant, s.scenario.name, s.memoryModel, s.exhaustive.preemptionBound, s.exhaustive.units, s.exhaustive.shard?.count ?? 1]);
  for (const s of parts) {
    if (s.exhaustive === undefined || s.scenario === undefined) throw new BadInput("merge: not an exhaustive --json summary");
    if (key(s) !== key(a)) throw new BadInput(`merge: summaries of different runs (${key(a)} and ${key(s)})`);
  }
  const n = a.exhaustive.shard?.count ?? 1;
  // Every summary must be a shard of this run: i/n with 1 <= i <= n, each
  // once, and its units disjoint from the others' ("5 of 4" is not a shard).
  const seen = new Set<number>();
  const units = new Set<number>();
  for (const s of parts) {
    const i = s.exhaustive.shard?.index ?? 1;
    if (!Number.isInteger(i) || i < 1 || i > n) throw new BadInput(`merge: shard ${i} of ${n} cannot belong to a run of ${n} shards`);
    if (seen.has(i)) throw new BadInput(`merge: shard ${i}/${n} appears twice`);
    seen.add(i);
    for (const u of s.exhaustive.explored) {
      if (u >= s.exhaustive.units) throw new BadInput(`merge: shard ${i}/${n} names unit ${u} of a run of ${s.exhaustive.units} units`);
      if (units.has(u)) throw new BadInput(`merge: unit ${u} is explored by two shards: these are not the shards of one run`);
      units.add(u);
    }
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
  const sum = (f: (s: ExhaustiveStats) => number) => parts.reduce((x, s) => x + f(s.exhaustive), 0);
  const violations = parts.map((s) => s.violation).filter((v): v is ExhaustiveViolation => v !== null);
  violations.sort((x, y) => x.preemptions - y.preemptions || x.atomicSteps - y.atomicSteps);
  const violation = violations[0] ?? null;
  const complete = missing.length === 0 && parts.every((s) => s.exhaustive.complete);
  const executions = sum((s) => s.executions);
  const elapsedMs = Math.max(...parts.map((s) => s.timing.elapsedMs));
  return {
    ok: violation === null,
    verdict: violation !== null ? "violation" : complete ? "verified" : "incomplete",
    subject: a.subject,
    design: a.design,
    mutant: a.mutant,
    scenario: a.scenario,
    memoryModel: a.memoryModel,
    exhaustive: {
      ...a.exhaustive,
      complete,
      executions,
      pruned: sum((s) => s.pruned),
      atomicSteps: sum((s) => s.atomicSteps),
      invariantChecks: sum((s) => s.invariantChecks),
      reduction: executions > 0 ? Number(BigInt(a.exhaustive.naiveSchedules) / BigInt(executions)) : 0,
      explored: parts.flatMap((s) => s.exhaustive.explored).sort((x, y) => x - y),
      shard: null,
      ...(missing.length > 0 ? { missingShards: missing } : {}),
    },
    violation,
    timing: { elapsedMs, executionsPerSecond: elapsedMs > 0 ? Math.round((executions * 1000) / elapsedMs) : 0 },
  };
}

const nat = z.number().int().min(0);

/** What --merge accepts: an exhaustive --json summary (the fields merging reads are checked; others pass through). */
const summarySchema = z.looseObject({
  ok: z.boolean(),
  verdict: z.enum(["verified", "violation", "incomplete", "missed-classes"]),
  subject: z.string(),
  design: z.string(),
  mutant: z.string().nullable(),
  scenario: z.strictObject({ name: z.string(), source: z.string().nullable() }),
  memoryModel: z.enum(["sc", "x86-tso"]),
  exhaustive: z.looseObject({
    complete: z.boolean(),
    preemptionBound: nat.nullable(),
    algorithm: z.enum(["source-sets+sleep-sets", "bounded-por"]),
    executions: nat,
    pruned: nat,
    atomicSteps: nat,
    invariantChecks: nat,
    naiveSchedules: z.string().regex(/^\d+$/),
    units: nat,
    explored: z.array(nat),
    shard: z.strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) }).refine((x) => x.index <= x.count, { message: "shard index above the shard count" }).nullable(),
  }),
  violation: z
    .looseObject({ invariant: z.string(), detail: z.string(), diff: z.array(z.string()), preemptions: nat, atomicSteps: nat, replay: z.string() })
    .nullable(),
  timing: z.looseObject({ elapsedMs: z.number().min(0) }),
});

/** Read one shard's --json summary for --merge; a malformed one is BadInput in one line. */
export function readShardSummary(path: string): ExhaustiveSummary {
  const raw = readJsonFile(path, "summary");
  const r = summarySchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new BadInput(`malformed summary ${path}: ${issue.path.length ? issue.path.map(String).join(".") : "(the file)"}: ${issue.message} (--merge takes the --exhaustive --json output of each shard)`);
  }
  return r.data as unknown as ExhaustiveSummary;
}
