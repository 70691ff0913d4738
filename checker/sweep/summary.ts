/**
 * What a sweep reports as JSON (`sweep --json`), and its verdict in words.
 * Everything but `timing` is the same for the same scope, variant and shard.
 */
import type { ScopeCounts } from "./generate";

export interface SweepViolation {
  scenario: string;
  /** Position of the scenario in the scope's order. */
  index: number;
  invariant: string;
  detail: string;
  operations: number;
  preemptions: number;
  atomicSteps: number;
  /** The counterexample file (replay it with --replay) and the scenario file (explore it with --exhaustive --scenario). */
  file: string | null;
  scenarioFile: string | null;
  replay: string;
}

export interface SweepStats extends ScopeCounts {
  scope: string;
  /** A digest of the scope's scenarios (names and contents): shards of one run carry the same one. */
  digest: string;
  preemptionBound: number;
  /** Scenarios the variant does not claim to handle (Subject.traceProblem: a range its callers never deliver, a path it lacks). */
  excluded: number;
  /** Scenarios this run was given (its shard's, or all), explored, and skipped because a violation with fewer operations was found. */
  assigned: number;
  explored: number;
  /** Of the explored: scenarios with as many operations as a violation already found, explored within its preemptions only. */
  withinFound?: number;
  skipped: number;
  executions: number;
  pruned: number;
  atomicSteps: number;
  invariantChecks: number;
  /** true: every assigned scenario was explored to the end (or skipped for a smaller violation). */
  complete: boolean;
  shard: { index: number; count: number } | null;
  /** After a merge: the shards whose summaries were not given. */
  missingShards?: number[];
}

export interface SweepSummary {
  ok: boolean;
  verdict: "verified" | "violation" | "incomplete";
  kind: "sweep";
  subject: string;
  design: string;
  mutant: string | null;
  sweep: SweepStats;
  violation: SweepViolation | null;
  timing: { elapsedMs: number; executionsPerSecond: number };
}

const n = (x: number): string => x.toLocaleString("en-US");

export function sweepText(s: SweepSummary): string {
  const w = s.sweep;
  const variant = `design ${s.design}${s.mutant ? `, mutant ${s.mutant}` : ""}`;
  const shard = w.shard ? `, shard ${w.shard.index}/${w.shard.count} (${w.assigned} scenarios)` : "";
  const head = `rmapcheck sweep: scope ${w.scope}, subject ${s.subject}, ${variant}, at most ${w.preemptionBound} preemptions${shard}`;
  const size = `${n(w.configurations)} configurations, ${n(w.setupStates)} set-up states, ${n(w.scenarios - w.excluded)} scenarios`;
  const excluded = w.excluded > 0 ? ` (${n(w.excluded)} more excluded: outside what design ${s.design} claims to handle)` : "";
  if (s.verdict === "violation") {
    const v = s.violation!;
    return [
      head,
      `result: VIOLATION of ${v.invariant} in scenario ${v.scenario}: ${v.operations} operations, ${v.preemptions} preemption${v.preemptions === 1 ? "" : "s"}, ${v.atomicSteps} atomic steps (the smallest found, of ${n(w.explored)} scenarios explored${w.withinFound ? ` (${n(w.withinFound)} of them within its preemptions only)` : ""}, ${n(w.executions)} executions)`,
      `  ${v.detail}`,
      `replay: ${v.replay}`,
      ...(v.scenarioFile ? [`scenario: npx rmapcheck --exhaustive --scenario ${v.scenarioFile} --design ${s.design}${s.mutant ? ` --mutant ${s.mutant}` : ""}`] : []),
    ].join("\n");
  }
  if (s.verdict === "incomplete") {
    const why = w.missingShards !== undefined
      ? `the summaries of shard${w.missingShards.length === 1 ? "" : "s"} ${w.missingShards.join(", ")} are missing`
      : w.shard && w.complete
        ? `this shard's scenarios hold no violation; merge the ${w.shard.count} shards' --json summaries for the verdict`
        : "stopped before every scenario was explored";
    return [head, `result: INCOMPLETE, no violation in ${n(w.explored)} of ${n(w.assigned)} scenarios (${n(w.executions)} executions): ${why}; nothing is verified`].join("\n");
  }
  return [
    head,
    `result: verified within scope ${w.scope}: ${size}, ${n(w.executions)} executions, <= ${w.preemptionBound} preemptions${excluded}`,
    "what it rests on: every scenario the scope generates (docs/sweep.md: its bounds, its symmetries), each explored by the",
    "  exhaustive mode (sequential consistency; a preemption is a switch away from a thread that could still run)",
  ].join("\n");
}
