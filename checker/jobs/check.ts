/**
 * The main job: check one variant (a design, optionally with one mutant)
 * sequentially against the model, then under generated concurrent traces;
 * report what was checked and, on a violation, the shrunk counterexample and
 * how to replay it. The caller saves counterexample files (the `save` hook)
 * and may stop the job (the `interrupted` hook): an interrupted job reports
 * no verdict, never a pass.
 */
import fc from "fast-check";
import { Interrupted } from "../interrupted";
import type { Progress } from "../progress";
import { type Counterexample, formatCounterexample } from "../report/counterexample";
import { fitLine, labelled } from "../report/fit";
import { explore, type SchedulerName } from "../search/explore";
import { minimizeSequential } from "../search/minimize_sequential";
import { SearchPool } from "../search/search_pool";
import { DEFAULT_BUDGET } from "../search/trace";
import { newSeqStats, type SeqFailure, type SeqStats, type Trace, type Variant } from "../subject";

export interface CheckRequest {
  variant: Variant;
  seed: number;
  /** The most concurrent runs (generated traces) the search may take. */
  runs: number;
  /** Sequential command sequences checked first. */
  sequences: number;
  scheduler: SchedulerName;
  /** PCT depth. */
  depth: number;
  tso: boolean;
  /** Threads for the concurrent runs, this one included (default 1); any number gives the same output but the wall-clock figures. */
  workers?: number;
}

/** The main job's defaults: what `rmapcheck --design NAME` runs, and what the benchmark measures. */
export const DEFAULT_CHECK: Omit<CheckRequest, "variant"> = { seed: 1, runs: 5000, sequences: 300, scheduler: "pct", depth: 3, tso: false };

export interface CheckHooks {
  progress?: (p: Progress) => void;
  /** Save a counterexample as it is found and each time it shrinks; returns the file's path. */
  save?: (cx: Counterexample) => string;
  /** The command that replays a saved file. */
  replayCommand?: (file: string) => string;
  /** The command that reruns this check. */
  rerunCommand?: (r: CheckRequest) => string;
  /** Format a counterexample for people (default: the wide table). */
  format?: (cx: Counterexample, variant: Variant, replay: string) => string;
  /** Polled between runs: true stops the job. */
  interrupted?: () => boolean;
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

/** Wall-clock figures: the only part of a summary that differs between two runs of the same options. */
export interface Timing {
  elapsedMs: number;
  /** Until the first violation was seen, before shrinking (null: none). */
  msToDetection: number | null;
}

export interface Summary {
  /** No violation, and the whole budget was checked. */
  ok: boolean;
  /** Stopped before the budget was spent: no verdict. */
  interrupted: boolean;
  subject: string;
  design: string;
  mutant: string | null;
  scheduler: string;
  seed: number;
  tso: boolean;
  /** Concurrent runs (generated traces) checked. */
  runs: number;
  /** Replays spent shrinking a counterexample. */
  shrinkRuns: number;
  steps: number;
  invariantChecks: number;
  sequential: SeqStats;
  violation: ViolationSummary | null;
  /** Sequences plus concurrent runs until the first violation (null: none). */
  runsToDetection: number | null;
  /** What a pass rests on, in words (null when there is a violation). */
  restsOn: string | null;
  timing: Timing;
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

const defaultRerun = (r: CheckRequest): string => `npx rmapcheck ${optionsLine(r)} --sequences ${r.sequences}`;
const defaultReplay = (file: string): string => `npx rmapcheck --replay ${file}`;

function sequentialPhase(r: CheckRequest, stats: SeqStats, hooks: CheckHooks): { text: string[]; violation: ViolationSummary | null; runs: number; interrupted: boolean } {
  if (r.sequences === 0) return { text: ["sequential: skipped (--sequences 0)"], violation: null, runs: 0, interrupted: false };
  let last: SeqFailure | null = null;
  const subject = r.variant.subject;
  const every = Math.max(1, Math.floor(r.sequences / 100));
  const inner = subject.sequentialProperty(r.variant, {
    stats,
    failed: (f) => (last = f),
    ...(hooks.interrupted ? { interrupted: hooks.interrupted } : {}),
    progress: (done) => {
      if (done % every === 0) hooks.progress?.({ phase: "sequential", done, budget: r.sequences, violations: 0 });
    },
  });
  const checked = fc.check(inner, { numRuns: r.sequences, seed: r.seed });
  const head = `sequential: ${stats.sequences} command sequences, ${stats.commands} commands, ${stats.steps} atomic steps, ${stats.invariantChecks} invariant checks`;
  if (checked.errorInstance instanceof Interrupted) return { text: [fitLine(`${head}: interrupted`)], violation: null, runs: checked.numRuns, interrupted: true };
  if (!checked.failed) return { text: [fitLine(`${head}: ok`)], violation: null, runs: checked.numRuns, interrupted: false };
  const f = last as SeqFailure | null;
  if (f === null) throw checked.errorInstance;
  const shrunk: Trace = { design: r.variant.design.name, ...(subject.name === "series" ? {} : { subject: subject.name }), config: f.config, setup: [], threads: [{ role: "sequential", ops: f.ops }], preemptions: [] };
  const m = minimizeSequential(shrunk, { violation: f.violation, failedAt: f.failedAt, schedule: f.schedule }, r.variant, hooks.interrupted);
  const v = m.result.violation!;
  const ops = m.trace.threads[0]!.ops;
  const cx: Counterexample = {
    trace: m.trace,
    schedule: m.result.schedule,
    violation: { invariant: v.invariant, detail: v.detail, diff: v.diff },
    failedAt: m.result.failedAt,
    mode: "sequential",
    ...(r.variant.mutant ? { mutant: r.variant.mutant.name } : {}),
  };
  const file = hooks.save ? hooks.save(cx) : null;
  const replay = file === null ? (hooks.rerunCommand ?? defaultRerun)(r) : (hooks.replayCommand ?? defaultReplay)(file);
  const text = [
    fitLine(`${head}: VIOLATION of ${v.invariant} (shrunk by fast-check, then made 1-minimal: ${ops.length} commands, the last one fails)`),
    "",
    hooks.format ? hooks.format(cx, r.variant, replay) : formatCounterexample(cx, subject, replay),
    ...(file !== null ? ["", labelled("counterexample saved to", file)] : []),
  ];
  return { text, violation: { phase: "sequential", invariant: v.invariant, detail: v.detail, diff: v.diff, operations: ops.length, atomicSteps: cx.schedule.length, preemptions: 0, file, replay }, runs: checked.numRuns, interrupted: false };
}

/**
 * check() for each seed in turn, stopping before a seed once `interrupted`
 * says so; `done` gets each seed's output. With workers > 1 every seed's
 * concurrent runs use one set of threads, started once (each thread
 * compiles the checker once, not once per seed).
 */
export function checkSeeds(request: Omit<CheckRequest, "seed">, seeds: readonly number[], hooksFor: (seed: number) => CheckHooks, done: (seed: number, out: CheckOutput) => void): void {
  const pool = poolFor(request);
  try {
    for (const seed of seeds) {
      const hooks = hooksFor(seed);
      if (hooks.interrupted?.()) return;
      done(seed, check({ ...request, seed }, hooks, pool));
    }
  } finally {
    pool?.close();
  }
}

/** A memory-ordering mutant is only observable under x86-TSO: it turns TSO on. */
function withTso<R extends Omit<CheckRequest, "seed">>(request: R): R {
  return request.variant.needsTso ? { ...request, tso: true } : request;
}

/**
 * The threads of a check's concurrent runs (workers > 1), started before its
 * sequential phase: they load the checker and begin the concurrent search
 * while it runs.
 */
function poolFor(request: Omit<CheckRequest, "seed">): SearchPool | undefined {
  const workers = request.workers ?? 1;
  if (workers <= 1) return undefined;
  return new SearchPool(request.variant, { scheduler: request.scheduler, depth: request.depth, budget: DEFAULT_BUDGET, tso: withTso(request).tso, full: false }, workers);
}

/** `pool`: threads started for this variant and these options (checkSeeds), used instead of starting them. */
export function check(request: CheckRequest, hooks: CheckHooks = {}, pool?: SearchPool): CheckOutput {
  if (pool !== undefined) return checkOn(request, hooks, pool);
  const own = poolFor(request);
  try {
    return checkOn(request, hooks, own);
  } finally {
    own?.close();
  }
}

function checkOn(request: CheckRequest, hooks: CheckHooks, pool: SearchPool | undefined): CheckOutput {
  const t0 = Date.now();
  const r = withTso(request);
  const seq = newSeqStats();
  const lines: string[] = [fitLine(`rmapcheck: ${optionsLine(r)}, scheduler ${r.scheduler}${r.scheduler === "pct" ? ` (depth ${r.depth})` : ""}`)];
  // The workers start the concurrent search while this thread runs the sequential phase; the
  // search joins it, or it is dropped if the sequential phase fails (search_pool.ts begin).
  pool?.begin(r.seed, r.runs);
  const s = sequentialPhase(r, seq, hooks);
  lines.push(...s.text);
  let violation = s.violation;
  let interrupted = s.interrupted;
  let runsToDetection: number | null = violation === null ? null : s.runs;
  let msToDetection: number | null = violation === null ? null : Date.now() - t0;
  let runs = 0;
  let shrinkRuns = 0;
  let steps = seq.steps;
  let invariantChecks = seq.invariantChecks;
  if (violation === null && !interrupted) {
    const tc = Date.now();
    let file: string | null = null;
    const e = explore({
      variant: r.variant,
      seed: r.seed,
      runs: r.runs,
      scheduler: r.scheduler,
      depth: r.depth,
      tso: r.tso,
      workers: r.workers ?? 1,
      ...(pool ? { pool } : {}),
      ...(hooks.progress ? { progress: hooks.progress } : {}),
      ...(hooks.interrupted ? { interrupted: hooks.interrupted } : {}),
      found: (cx) => {
        if (hooks.save) file = hooks.save(cx);
      },
    });
    runs = e.runs;
    shrinkRuns = e.shrinkRuns;
    steps += e.steps;
    invariantChecks += e.invariantChecks;
    interrupted = e.interrupted;
    const head = `concurrent: ${e.runs} runs (of at most ${r.runs}), ${e.steps} atomic steps, ${e.invariantChecks} invariant checks`;
    if (e.counterexample === null) {
      lines.push(fitLine(`${head}: ${interrupted ? "interrupted" : "ok"}`));
    } else {
      const cx = e.counterexample;
      const replay = file === null ? "(not saved)" : (hooks.replayCommand ?? defaultReplay)(file);
      runsToDetection = s.runs + e.runsToDetection!;
      msToDetection = tc - t0 + e.msToDetection!;
      const shrunk = interrupted ? "interrupted while shrinking: the smallest so far" : "shrunk and made 1-minimal";
      // checker/search/sc_form.ts: an x86-TSO run that needed no store buffer is shown in SC form.
      const how = r.tso && cx.tso !== true ? `${shrunk}; it needed no store buffer, so it is shown under sequential consistency` : shrunk;
      // runsToDetection (JSON) counts the sequential sequences too; say both.
      const seen = s.runs > 0 ? `first seen after ${e.runsToDetection} concurrent runs, run ${runsToDetection} counting the ${s.runs} sequential sequences` : `first seen after ${e.runsToDetection} runs`;
      lines.push(fitLine(`${head}: VIOLATION of ${cx.violation.invariant} (${seen}; ${how})`), "");
      lines.push(hooks.format ? hooks.format(cx, r.variant, replay) : formatCounterexample(cx, r.variant.subject, replay));
      if (file !== null) lines.push("", labelled("counterexample saved to", file));
      const ops = cx.trace.setup.length + cx.trace.threads.reduce((n, t) => n + t.ops.length, 0);
      violation = { phase: "concurrent", invariant: cx.violation.invariant, detail: cx.violation.detail, diff: cx.violation.diff, operations: ops, atomicSteps: cx.schedule.length, preemptions: cx.trace.preemptions.length, file, replay };
    }
  }
  const restsOn = violation !== null || interrupted ? null : `no violation in ${seq.sequences} sequential command sequences and ${runs} concurrent runs (${steps} checked atomic steps, ${invariantChecks} invariant checks), ${r.scheduler === "pct" ? `PCT depth ${r.depth}` : r.scheduler} scheduling, ${r.tso ? "x86-TSO" : "sequential consistency"}; sampled, not a proof`;
  if (violation !== null) lines.push(`result: VIOLATION of ${violation.invariant}`);
  else if (interrupted) lines.push("result: interrupted before the budget was spent: no verdict");
  else lines.push(fitLine(`result: ok, ${restsOn}`));
  const summary: Summary = {
    ok: violation === null && !interrupted,
    interrupted,
    subject: r.variant.subject.name,
    design: r.variant.design.name,
    mutant: r.variant.mutant?.name ?? null,
    scheduler: r.scheduler,
    seed: r.seed,
    tso: r.tso,
    runs,
    shrinkRuns,
    steps,
    invariantChecks,
    sequential: seq,
    violation,
    runsToDetection,
    restsOn,
    timing: { elapsedMs: Date.now() - t0, msToDetection },
  };
  return { summary, text: lines.join("\n") };
}
