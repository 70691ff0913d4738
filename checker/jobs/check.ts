/**
 * The main job: check one variant (a design, optionally with one mutant)
 * sequentially against the model, then under generated concurrent traces;
 * report what was checked and, on a violation, the shrunk counterexample and
 * how to replay it. The caller saves counterexample files (the `save` hook).
 */
import fc from "fast-check";
import { type Counterexample, formatCounterexample } from "../report/counterexample";
import { explore, type SchedulerName } from "../search/explore";
import { newSeqStats, type SeqFailure, type SeqStats, type Variant } from "../subject";

export interface CheckRequest {
  variant: Variant;
  seed: number;
  runs: number;
  sequences: number;
  scheduler: SchedulerName;
  depth: number;
  tso: boolean;
}

export interface CheckHooks {
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
  /** Save a counterexample as it is found and each time it shrinks; returns the file's path. */
  save?: (cx: Counterexample) => string;
  /** The command that replays a saved file. */
  replayCommand?: (file: string) => string;
  /** The command that reruns this check. */
  rerunCommand?: (r: CheckRequest) => string;
}

export interface ViolationSummary {
  phase: "sequential" | "concurrent";
  invariant: string;
  detail: string;
  diff: string[];
  operations: number;
  atomicSteps: number;
  preemptions: number;
  file: string | null;
  replay: string;
}

export interface Summary {
  ok: boolean;
  subject: string;
  design: string;
  mutant: string | null;
  scheduler: string;
  seed: number;
  tso: boolean;
  runs: number;
  steps: number;
  invariantChecks: number;
  elapsedMs: number;
  sequential: SeqStats;
  violation: ViolationSummary | null;
  /** Sequences plus concurrent runs until the first violation (null: none). */
  runsToDetection: number | null;
  /** Wall time until the first violation was seen, before shrinking (null: none). */
  msToDetection: number | null;
}

export interface CheckOutput {
  summary: Summary;
  /** The human-readable report (stdout without --json). */
  text: string;
}

/** The options that reproduce this check, as command-line flags. */
export function optionsLine(r: CheckRequest): string {
  const subject = r.variant.subject.name === "series" ? null : `--subject ${r.variant.subject.name}`;
  return [subject, `--design ${r.variant.design.name}`, r.variant.mutant && `--mutant ${r.variant.mutant.name}`, `--seed ${r.seed}`, r.tso && "--tso"].filter(Boolean).join(" ");
}

const defaultRerun = (r: CheckRequest): string => `npm start -- ${optionsLine(r)} --sequences ${r.sequences}`;
const defaultReplay = (file: string): string => `npm start -- --replay ${file}`;

function sequentialPhase(r: CheckRequest, stats: SeqStats, hooks: CheckHooks): { text: string[]; violation: ViolationSummary | null; runs: number } {
  if (r.sequences === 0) return { text: ["sequential: skipped (--sequences 0)"], violation: null, runs: 0 };
  let last: SeqFailure | null = null;
  const subject = r.variant.subject;
  const result = fc.check(subject.sequentialProperty(r.variant, { stats, failed: (f) => (last = f) }), { numRuns: r.sequences, seed: r.seed });
  const head = `sequential: ${stats.sequences} command sequences, ${stats.commands} commands, ${stats.steps} atomic steps, ${stats.invariantChecks} invariant checks`;
  if (!result.failed) return { text: [`${head}: ok`], violation: null, runs: result.numRuns };
  const f = last as SeqFailure | null;
  if (f === null) throw result.errorInstance;
  const v = f.violation;
  const replay = (hooks.rerunCommand ?? defaultRerun)(r);
  const text = [
    `${head}: VIOLATION of ${v.invariant}`,
    `  ${v.detail}`,
    `  configuration: ${subject.configLine(f.config)}`,
    "  commands (shrunk by fast-check; the last one fails):",
    ...f.ops.map((op) => `    ${subject.opText(op)}`),
    ...(v.diff.length > 0 ? ["  model versus implementation:", ...v.diff.slice(0, 12).map((d) => `    ${d}`)] : []),
    `replay: ${replay}`,
  ];
  return { text, violation: { phase: "sequential", invariant: v.invariant, detail: v.detail, diff: v.diff, operations: f.ops.length, atomicSteps: f.steps, preemptions: 0, file: null, replay }, runs: result.numRuns };
}

export function check(request: CheckRequest, hooks: CheckHooks = {}): CheckOutput {
  const t0 = Date.now();
  const progress = hooks.progress ?? (() => {});
  // A memory-ordering mutant is only observable under x86-TSO: it turns TSO on.
  const r = request.variant.needsTso ? { ...request, tso: true } : request;
  const seq = newSeqStats();
  const lines: string[] = [`rmapcheck: ${optionsLine(r)}, scheduler ${r.scheduler}${r.scheduler === "pct" ? ` (depth ${r.depth})` : ""}`];
  progress(`[rmapcheck] sequential refinement: ${r.sequences} command sequences`);
  const s = sequentialPhase(r, seq, hooks);
  lines.push(...s.text);
  let violation = s.violation;
  let runsToDetection: number | null = violation === null ? null : s.runs;
  let msToDetection: number | null = violation === null ? null : Date.now() - t0;
  let runs = 0;
  let steps = seq.steps;
  let invariantChecks = seq.invariantChecks;
  if (violation === null) {
    progress(`[rmapcheck] concurrent traces: up to ${r.runs} runs`);
    const tc = Date.now();
    let file: string | null = null;
    const e = explore({
      variant: r.variant,
      seed: r.seed,
      runs: r.runs,
      scheduler: r.scheduler,
      depth: r.depth,
      tso: r.tso,
      every: Math.max(1, Math.floor(r.runs / 10)),
      progress: (p) => progress(`[rmapcheck]   ${p.runs} runs, ${p.steps} atomic steps, ${p.invariantChecks} invariant checks`),
      found: (cx) => {
        if (hooks.save) file = hooks.save(cx);
      },
    });
    runs = e.runs;
    steps += e.steps;
    invariantChecks += e.invariantChecks;
    const head = `concurrent: ${e.runs} runs, ${e.steps} atomic steps, ${e.invariantChecks} invariant checks`;
    if (e.counterexample === null) {
      lines.push(`${head}: ok`);
    } else {
      const cx = e.counterexample;
      const replay = file === null ? "(not saved)" : (hooks.replayCommand ?? defaultReplay)(file);
      runsToDetection = s.runs + e.runsToDetection!;
      msToDetection = tc - t0 + e.msToDetection!;
      lines.push(`${head}: VIOLATION of ${cx.violation.invariant} (first seen after ${e.runsToDetection} runs; shrunk and made 1-minimal)`, "");
      lines.push(formatCounterexample(cx, r.variant.subject, replay));
      if (file !== null) lines.push("", `counterexample saved to ${file}`);
      const ops = cx.trace.setup.length + cx.trace.threads.reduce((n, t) => n + t.ops.length, 0);
      violation = { phase: "concurrent", invariant: cx.violation.invariant, detail: cx.violation.detail, diff: cx.violation.diff, operations: ops, atomicSteps: cx.schedule.length, preemptions: cx.trace.preemptions.length, file, replay };
    }
  }
  lines.push(violation === null ? "result: ok, no violation found" : `result: VIOLATION of ${violation.invariant}`);
  const summary: Summary = {
    ok: violation === null,
    subject: r.variant.subject.name,
    design: r.variant.design.name,
    mutant: r.variant.mutant?.name ?? null,
    scheduler: r.scheduler,
    seed: r.seed,
    tso: r.tso,
    runs,
    steps,
    invariantChecks,
    elapsedMs: Date.now() - t0,
    sequential: seq,
    violation,
    runsToDetection,
    msToDetection,
  };
  return { summary, text: lines.join("\n") };
}
