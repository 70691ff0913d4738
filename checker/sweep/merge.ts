/**
 * `--merge` of sweep shards: the --json summaries of shards 1/n .. n/n of one
 * sweep give one verdict. Every summary must belong to the run: the same
 * scope (and the same scenarios: the digest), subject, design, mutant, bound
 * and shard count; each index within 1..n, none twice. A shard missing
 * leaves the verdict incomplete (nothing is verified); anything else that
 * does not fit is bad input. `mergeFiles` takes exhaustive and sweep
 * summaries alike (by their `kind`), one kind per merge.
 */
import { z } from "zod";
import { BadInput } from "../bad_input";
import { mergeShards, readShardSummary, type ExhaustiveSummary } from "../exhaustive/summary";
import { summaryText } from "../exhaustive/verdict_text";
import { readJsonFile } from "../json_file";
import { smaller } from "./run";
import { type SweepSummary, sweepText, type SweepViolation } from "./summary";

const nat = z.number().int().min(0);

const sweepSchema = z.looseObject({
  ok: z.boolean(),
  verdict: z.enum(["verified", "violation", "incomplete"]),
  kind: z.literal("sweep"),
  subject: z.string(),
  design: z.string(),
  mutant: z.string().nullable(),
  sweep: z.looseObject({
    scope: z.string(),
    digest: z.string(),
    preemptionBound: nat,
    configurations: nat,
    setupSequences: nat,
    setupStates: nat,
    candidates: nat,
    scenarios: nat,
    excluded: nat,
    assigned: nat,
    explored: nat,
    withinFound: nat.optional(),
    skipped: nat,
    executions: nat,
    pruned: nat,
    atomicSteps: nat,
    invariantChecks: nat,
    complete: z.boolean(),
    shard: z.strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) }).refine((s) => s.index <= s.count, { message: "shard index above the shard count" }).nullable(),
  }),
  violation: z.looseObject({ scenario: z.string(), index: nat, invariant: z.string(), detail: z.string(), operations: nat, preemptions: nat, atomicSteps: nat, replay: z.string() }).nullable(),
  timing: z.looseObject({ elapsedMs: z.number().min(0) }),
});

function readSweepSummary(path: string, raw: unknown): SweepSummary {
  const r = sweepSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.length ? issue.path.map(String).join(".") : "(the file)";
    throw new BadInput(`malformed summary ${path}: ${field}: ${issue.message} (--merge takes the sweep --shard --json output of each shard)`);
  }
  return r.data as unknown as SweepSummary;
}

export function mergeSweepShards(parts: readonly SweepSummary[]): SweepSummary {
  if (parts.length === 0) throw new BadInput("merge: no summaries");
  const a = parts[0]!;
  const key = (s: SweepSummary) => JSON.stringify([s.subject, s.design, s.mutant, s.sweep.scope, s.sweep.digest, s.sweep.preemptionBound, s.sweep.scenarios, s.sweep.shard?.count ?? 1]);
  for (const s of parts) if (key(s) !== key(a)) throw new BadInput(`merge: summaries of different sweeps (${key(a)} and ${key(s)})`);
  const n = a.sweep.shard?.count ?? 1;
  const seen = new Set<number>();
  for (const s of parts) {
    const i = s.sweep.shard?.index ?? 1;
    if (i < 1 || i > n) throw new BadInput(`merge: shard ${i} of ${n} cannot belong to a sweep of ${n} shards`);
    if (seen.has(i)) throw new BadInput(`merge: shard ${i}/${n} appears twice`);
    seen.add(i);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
  const sum = (f: (s: SweepSummary["sweep"]) => number) => parts.reduce((x, s) => x + f(s.sweep), 0);
  let violation: SweepViolation | null = null;
  for (const s of parts) if (s.violation !== null && (violation === null || smaller(s.violation, violation))) violation = s.violation;
  const complete = missing.length === 0 && parts.every((s) => s.sweep.complete);
  const executions = sum((s) => s.executions);
  const elapsedMs = Math.max(...parts.map((s) => s.timing.elapsedMs));
  return {
    ok: violation === null,
    verdict: violation !== null ? "violation" : complete ? "verified" : "incomplete",
    kind: "sweep",
    subject: a.subject,
    design: a.design,
    mutant: a.mutant,
    sweep: {
      ...a.sweep,
      assigned: sum((s) => s.assigned),
      explored: sum((s) => s.explored),
      withinFound: sum((s) => s.withinFound ?? 0),
      skipped: sum((s) => s.skipped),
      executions,
      pruned: sum((s) => s.pruned),
      atomicSteps: sum((s) => s.atomicSteps),
      invariantChecks: sum((s) => s.invariantChecks),
      complete,
      shard: null,
      ...(missing.length > 0 ? { missingShards: missing } : {}),
    },
    violation,
    timing: { elapsedMs, executionsPerSecond: elapsedMs > 0 ? Math.round((executions * 1000) / elapsedMs) : 0 },
  };
}

export interface Merged {
  json: ExhaustiveSummary | SweepSummary;
  text: string;
  /** 0 verified, 1 a violation, 4 incomplete. */
  status: number;
}

/** --merge FILES: exhaustive shards or sweep shards, one kind per merge. */
export function mergeFiles(paths: readonly string[]): Merged {
  if (paths.length === 0) throw new BadInput("merge: no summaries");
  const raws = paths.map((p) => readJsonFile(p, "summary"));
  const isSweep = raws.map((r) => typeof r === "object" && r !== null && (r as { kind?: unknown }).kind === "sweep");
  if (isSweep.some((x) => x !== isSweep[0])) throw new BadInput("merge: sweep summaries and exhaustive summaries cannot be merged together");
  const status = (v: string) => (v === "verified" ? 0 : v === "violation" ? 1 : 4);
  if (isSweep[0]) {
    const m = mergeSweepShards(raws.map((r, i) => readSweepSummary(paths[i]!, r)));
    return { json: m, text: sweepText(m), status: status(m.verdict) };
  }
  const m = mergeShards(paths.map((p) => readShardSummary(p)));
  return { json: m, text: summaryText(m), status: status(m.verdict) };
}
