/**
 * The verdict of an exhaustive run in words. A pass says what it rests on:
 * the scenario, the design, the bound and what the bound counts, how many
 * executions and checks, and that it is a statement about this scenario
 * only. A budget that ran out says "incomplete", never "verified".
 */
import { fitLine, replayLines } from "../report/fit";
import { DEFAULT_SUBJECT } from "../variants";
import type { ExhaustiveSummary } from "./summary";

const n = (x: number): string => x.toLocaleString("en-US");

export function boundText(bound: number | null): string {
  return bound === null ? "every interleaving (no preemption bound)" : `every interleaving with at most ${bound} preemption${bound === 1 ? "" : "s"}`;
}

/** A violation of the set-up run alone: no execution ran and the counterexample has no step. */
export const violatedInSetup = (s: ExhaustiveSummary): boolean => s.violation !== null && s.violation.atomicSteps === 0 && s.exhaustive.executions === 0;

export function headLine(s: ExhaustiveSummary): string {
  const e = s.exhaustive;
  const variant = `${s.subject === DEFAULT_SUBJECT.name ? "" : `subject ${s.subject}, `}design ${s.design}${s.mutant ? `, mutant ${s.mutant}` : ""}`;
  const shard = e.shard ? `, shard ${e.shard.index}/${e.shard.count} (units ${e.explored.join(", ") || "none"} of ${e.units})` : "";
  const model = s.memoryModel === "x86-tso" ? ", x86-TSO" : "";
  return `rmapcheck --exhaustive: scenario ${s.scenario.name}${s.scenario.source ? ` (${s.scenario.source})` : ""}, ${variant}${model}, ${boundText(e.preemptionBound)}${shard}`;
}

export function verdictLine(s: ExhaustiveSummary): string {
  const e = s.exhaustive;
  const work = `${n(e.executions)} executions (${n(e.pruned)} more abandoned as redundant), ${n(e.atomicSteps)} atomic steps, ${n(e.invariantChecks)} invariant checks`;
  const naive = `plain enumeration: ${BigInt(e.naiveSchedules).toLocaleString("en-US")} schedules (${e.preemptionBound === null ? "all interleavings" : `at most ${e.preemptionBound} preemptions`}, blocking ignored), ${n(Math.round(e.reduction))}x more`;
  if (s.verdict === "violation") {
    const v = s.violation!;
    if (violatedInSetup(s)) return `result: VIOLATION of ${v.invariant} in the set-up, run alone before the threads: no schedule to explore`;
    const fewer = v.noneWithFewer.length > 0 ? `; none with ${v.noneWithFewer.join(" or ")} (explored completely)` : "";
    return `result: VIOLATION of ${v.invariant} with ${v.preemptions} preemption${v.preemptions === 1 ? "" : "s"}${fewer} (${work})`;
  }
  if (s.verdict === "missed-classes") {
    return `result: REDUCTION UNSOUND: the reduced search missed ${n(s.crossCheck!.missed)} behaviour classes that plain enumeration reaches (${work}); nothing is verified`;
  }
  if (s.verdict === "incomplete") {
    const why =
      e.shard && e.complete
        ? `this shard's units are explored with no violation; merge the ${e.shard.count} shards' --json summaries for the verdict`
        : e.missingShards !== undefined
          ? `the summaries of shard${e.missingShards.length === 1 ? "" : "s"} ${e.missingShards.join(", ")} are missing; nothing is verified`
          : e.complete && s.crossCheck !== undefined
            ? "the reduced search finished with no violation, but the cross-check's plain enumeration ran out of budget; nothing is verified"
            : "a budget ran out before the search did; nothing is verified";
    return `result: INCOMPLETE, no violation in ${work}: ${why}`;
  }
  return `result: verified: ${work}; ${boundText(e.preemptionBound)} of this scenario satisfies every invariant after every atomic step and at the end (${naive})`;
}

/** The --cross-check result: what was compared, and every missed class's first lines. */
export function crossCheckLines(s: ExhaustiveSummary): string[] {
  const c = s.crossCheck;
  if (c === undefined) return [];
  const plain = `plain enumeration within ${c.bound} preemption${c.bound === 1 ? "" : "s"}: ${n(c.plainExecutions)} executions${c.complete ? "" : " (its budget ran out: INCOMPLETE)"}, ${n(c.plainClasses)} behaviour classes`;
  const head = `cross-check: ${plain}; the reduced search reached ${n(c.reducedClasses)}: ${n(c.missed)} missed class${c.missed === 1 ? "" : "es"}`;
  const what = "  (a class: per thread, the sequence of its steps' labels and the values they read)";
  const out = [fitLine(head), what];
  for (const [i, e] of c.examples.slice(0, 3).entries()) {
    const sw = e.preemptions.map((p) => `T${p.thread} after ${p.after} steps -> T${p.to}`).join(", ") || "none";
    out.push(`  missed ${i + 1}: the default schedule with switches at: ${sw}${e.failure ? `; it fails: ${e.failure}` : ""}`);
    for (const line of e.behaviour) out.push(`    ${line.length > 150 ? `${line.slice(0, 147)}...` : line}`);
  }
  if (c.missed > 3) out.push(`  ... and ${c.missed - 3} more (--json lists ${Math.min(10, c.missed)})`);
  return out;
}

/** What a pass rests on, for the text report. */
export function restsOn(s: Pick<ExhaustiveSummary, "memoryModel">): string[] {
  const tso = s.memoryModel === "x86-tso";
  return [
    `what it rests on: the scenario's configuration, set-up and threads only; ${tso ? "x86-TSO (store buffers; each commit an event, every fence and return waits for its buffer)" : "sequential consistency"};`,
    `  a preemption is a switch away from a thread that could still run${tso ? " (or whose buffer could commit)" : ""} (docs/exhaustive.md, "What verified means")`,
  ];
}

/** A summary as text without its counterexample (merged shards print the file to replay). */
export function summaryText(s: ExhaustiveSummary): string {
  const lines = [headLine(s), verdictLine(s)].map((l) => fitLine(l));
  if (s.violation !== null) lines.push(fitLine(`  ${s.violation.detail}`), ...replayLines(s.violation.replay));
  else if (s.verdict === "verified") lines.push(...restsOn(s).map((l) => fitLine(l)));
  return lines.join("\n");
}
