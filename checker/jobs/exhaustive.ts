/**
 * The exhaustive job: every schedule of one scenario, for one variant, up to
 * a preemption bound, with the checks of the sampled mode after every step
 * (docs/exhaustive.md). Reports verified, a violation (with the standard
 * counterexample, saved through the `save` hook) or incomplete.
 */
import { naiveSchedules } from "../../runtime/exhaustive/naive_count";
import type { Shard } from "../../runtime/exhaustive/units";
import { BadInput } from "../bad_input";
import { asViolation } from "../violation";
import { scenarioProgram } from "../exhaustive/program";
import { type Scenario, traceOf } from "../exhaustive/scenario";
import { search, searchParallel, type SearchOptions, type SearchResult } from "../exhaustive/search";
import type { WorkerData } from "../exhaustive/worker_entry";
import { scForm } from "../search/sc_form";
import type { Trace } from "../search/trace";
import type { Program } from "../../runtime/exhaustive/program";
import { join } from "node:path";
import { workerEntry } from "../../runtime/worker_file";
import type { CrossCheckSummary, ExhaustiveSummary, ExhaustiveViolation } from "../exhaustive/summary";
import { crossCheckLines, headLine, restsOn, verdictLine } from "../exhaustive/verdict_text";
import { ClassIndex, enumerateClasses, missedClasses } from "../../runtime/exhaustive/cross_check";
import { runOrder } from "../../runtime/exhaustive/replay";
import { type Counterexample, formatCounterexample, toCounterexample } from "../report/counterexample";
import { fitLine, labelled } from "../report/fit";
import type { Variant } from "../subject";

export interface ExhaustiveRequest {
  variant: Variant;
  scenario: Scenario;
  /**
   * x86-TSO store buffers, each buffer's commit an event (runtime/machine.ts);
   * a mutant observable only under x86-TSO turns it on.
   */
  tso?: boolean;
  /** null: no bound (`--preemptions all`). */
  preemptions: number | null;
  maxExecutions?: number;
  maxSeconds?: number;
  /** 1-based index. */
  shard?: { index: number; count: number };
  /**
   * --cross-check K: also enumerate every schedule within K preemptions with
   * no reduction, at most `maxExecutions` of them (default CROSS_CHECK_BUDGET),
   * and compare the behaviour classes reached (cross_check.ts).
   */
  crossCheck?: { bound: number; maxExecutions?: number };
  /** Build and re-run the set-up for every execution instead of restoring its snapshot (checker/exhaustive/program.ts): the reference. */
  rerunSetup?: boolean;
  /** Rebuild every replayed step's footprint and compare it with the recorded one (runtime/exhaustive/path_scheduler.ts): the reference. */
  verifyPrefix?: boolean;
}

/** The plain enumeration's default budget under --cross-check. */
export const CROSS_CHECK_BUDGET = 200_000;

export interface ExhaustiveHooks {
  progress?: (line: string) => void;
  /** Save a counterexample; returns the file's path. */
  save?: (cx: Counterexample) => string;
  replayCommand?: (file: string) => string;
  /** Format a counterexample for people (default: the wide table). */
  format?: (cx: Counterexample, variant: Variant, replay: string) => string;
  /** Polled between executions: true stops the search, which then reports incomplete (never verified). */
  interrupted?: () => boolean;
}

export interface ExhaustiveOutput {
  summary: ExhaustiveSummary;
  text: string;
  counterexample: Counterexample | null;
}

/** The request's checks that need no run: one-line BadInput. */
export function validateRequest(r: ExhaustiveRequest): void {
  if (r.preemptions !== null && (!Number.isInteger(r.preemptions) || r.preemptions < 0)) throw new BadInput("--preemptions must be a non-negative integer or all");
  if (r.maxExecutions !== undefined && (!Number.isInteger(r.maxExecutions) || r.maxExecutions < 1)) throw new BadInput("--max-executions must be a positive integer");
  if (r.maxSeconds !== undefined && !(r.maxSeconds > 0)) throw new BadInput("--max-seconds must be a positive number");
  const sh = r.shard;
  if (sh && (!Number.isInteger(sh.index) || !Number.isInteger(sh.count) || sh.count < 1 || sh.index < 1 || sh.index > sh.count)) throw new BadInput("--shard must be i/n with 1 <= i <= n");
  const cc = r.crossCheck;
  if (cc !== undefined) {
    if (!Number.isInteger(cc.bound) || cc.bound < 0) throw new BadInput("--cross-check must be a non-negative integer (the plain enumeration's preemption bound)");
    if (r.preemptions !== null && cc.bound > r.preemptions) throw new BadInput(`--cross-check ${cc.bound} exceeds --preemptions ${r.preemptions}: plain enumeration would reach schedules the bounded search may not`);
    if (sh) throw new BadInput("--cross-check compares whole runs: it does not go with --shard");
  }
  if (r.scenario.subject !== r.variant.subject) throw new BadInput(`scenario ${r.scenario.name} is of subject ${r.scenario.subject.name}, the design of ${r.variant.subject.name}`);
  const trace = traceOf(r.scenario, r.variant.design.name);
  const problem = r.variant.subject.traceProblem?.(trace, r.variant) ?? null;
  if (problem !== null) throw new BadInput(`scenario ${r.scenario.name}: ${problem}`);
  // DPOR is sound only if every piece of state the checks read is ordered:
  // a subject that keeps checker state outside simulated memory must say
  // what each step does to it (BuiltRun.footprint).
  if (r.variant.subject.build(trace, r.variant, { tso: false, full: false }).footprint === undefined) {
    throw new BadInput(`the exhaustive mode is not available for subject ${r.variant.subject.name}: its checker does not declare the state it keeps outside simulated memory, so the reduction could miss a violation`);
  }
}

interface Prepared {
  t0: number;
  trace: Trace;
  program: Program;
  options: SearchOptions;
  /** Each thread's steps in the default schedule (stepsPerThread): one execution, run once for the progress lines and the summary. */
  steps: number[];
}

/** Under x86-TSO: asked for, or needed by the mutant. */
export const tsoOf = (r: ExhaustiveRequest): boolean => r.tso === true || r.variant.needsTso;

function prepare(request: ExhaustiveRequest, hooks: ExhaustiveHooks): Prepared {
  validateRequest(request);
  const t0 = Date.now();
  const progress = hooks.progress ?? (() => {});
  const v = request.variant;
  const trace = traceOf(request.scenario, v.design.name);
  const program = scenarioProgram(trace, v, { rerunSetup: request.rerunSetup ?? false, tso: tsoOf(request) });
  const shard: Shard | undefined = request.shard && { index: request.shard.index - 1, count: request.shard.count };
  let next = 1000;
  let lastLine = t0;
  // The total shown: plain enumeration's schedule count at the bound, an upper
  // bound on the executions (DPOR runs far fewer: docs/exhaustive.md's
  // reduction column), so the time left shown is an upper bound too.
  const steps = stepsPerThread(program, trace.threads.length);
  const most = naiveSchedules(steps, request.preemptions);
  const options: SearchOptions = {
    bound: request.preemptions,
    ...(request.maxExecutions === undefined ? {} : { maxExecutions: request.maxExecutions }),
    ...(request.maxSeconds === undefined ? {} : { deadline: t0 + request.maxSeconds * 1000 }),
    ...(shard ? { shard } : {}),
    ...(request.verifyPrefix === true ? { verifyPrefix: true } : {}),
    ...(hooks.interrupted ? { stop: hooks.interrupted } : {}),
    onProgress: (s) => {
      const done = s.executions + s.abandoned;
      const now = Date.now();
      if (done < next && now - lastLine < PROGRESS_EVERY_MS) return;
      while (next <= done) next *= 2;
      lastLine = now;
      progress(progressLine(s.executions, s.abandoned, most, now - t0));
    },
  };
  return { t0, trace, program, options, steps };
}

/** A progress line at least this often (and at 1,000, 2,000, 4,000, ... executions). */
const PROGRESS_EVERY_MS = 10_000;

function seconds(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`;
}

/** Executions so far against plain enumeration's count (an upper bound), and the time left at most. */
export function progressLine(executions: number, abandoned: number, most: bigint | null, elapsedMs: number): string {
  const done = executions + abandoned;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const left = most === null || rate === 0 ? null : Number(most - BigInt(Math.min(done, Number.MAX_SAFE_INTEGER))) / rate;
  const total = most === null ? "" : ` of at most ${most < 10n ** 15n ? most.toLocaleString("en-US") : Number(most).toExponential(1)}`;
  const eta = left === null || left < 0 ? "" : `, at most ${seconds(left * 1000)} left`;
  return `[rmapcheck] exhaustive: ${executions} executions${total}, ${abandoned} abandoned, ${seconds(elapsedMs)}${eta}`;
}

/** Explore on this thread. */
export function exhaustive(request: ExhaustiveRequest, hooks: ExhaustiveHooks = {}): ExhaustiveOutput {
  const p = prepare(request, hooks);
  if (request.crossCheck === undefined) return report(request, hooks, p, search(p.program, p.options));
  const reduced = new ClassIndex();
  const r = search(p.program, { ...p.options, onBehaviour: reduced.add });
  const cc = r.found === null && r.main.complete ? crossCheck(request, hooks, p, reduced) : undefined;
  return report(request, hooks, p, r, cc);
}

/** --cross-check: plain enumeration within its bound, its classes against the reduced search's. */
function crossCheck(request: ExhaustiveRequest, hooks: ExhaustiveHooks, p: Prepared, reduced: ClassIndex): CrossCheckSummary {
  const k = request.crossCheck!.bound;
  const maxExecutions = request.crossCheck!.maxExecutions ?? CROSS_CHECK_BUDGET;
  hooks.progress?.(`[rmapcheck] cross-check: every schedule within ${k} preemptions, no reduction (at most ${maxExecutions.toLocaleString("en-US")} executions)`);
  const plain = enumerateClasses(p.program, k, { maxExecutions, ...(p.options.deadline === undefined ? {} : { deadline: p.options.deadline }), ...(p.options.stop ? { stop: p.options.stop } : {}) });
  const missed = missedClasses(plain.index, reduced);
  const examples = missed.slice(0, 10).map((key) => {
    const order = plain.index.classes.get(key)!;
    const again = runOrder(p.program, order);
    const failure = plain.index.failures.get(key);
    return {
      behaviour: key.split("\n"),
      preemptions: again?.run.preemptions ?? [],
      order,
      failure: failure === undefined ? null : failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure),
    };
  });
  return { bound: k, complete: plain.complete, plainExecutions: plain.executions, plainClasses: plain.index.classes.size, reducedClasses: reduced.classes.size, missed: missed.length, examples };
}

/**
 * Explore on `workers` worker threads (docs/exhaustive.md, "Units, shards,
 * workers"): the same result as exhaustive(), sooner.
 */
export async function exhaustiveOnWorkers(request: ExhaustiveRequest, workers: number, hooks: ExhaustiveHooks = {}): Promise<ExhaustiveOutput> {
  if (!Number.isInteger(workers) || workers < 1) throw new BadInput("--workers must be a positive integer");
  if (request.crossCheck !== undefined && workers > 1) throw new BadInput("--cross-check collects every class in one process: it does not go with --workers");
  const p = prepare(request, hooks);
  const v = request.variant;
  const data: WorkerData = { subject: v.subject.name, design: v.design.name, mutant: v.mutant?.name ?? null, trace: p.trace, tso: tsoOf(request), rerunSetup: request.rerunSetup ?? false };
  const entry = workerEntry(join(__dirname, "..", "exhaustive"), "worker_entry");
  return report(request, hooks, p, await searchParallel(p.program, p.options, { entry, data, workers }));
}

function report(request: ExhaustiveRequest, hooks: ExhaustiveHooks, p: Prepared, r: SearchResult, cc?: CrossCheckSummary): ExhaustiveOutput {
  const { t0, trace } = p;
  const v = request.variant;
  const tso = tsoOf(request);
  const shard = p.options.shard;
  // The set-up, run alone, already violates an invariant on this variant:
  // that is the verdict (a counterexample of set-up only, as in the sampled
  // mode), with no schedule to explore.
  const setupViolation = r.main.setupFailure === undefined ? null : asViolation(r.main.setupFailure);
  const found = setupViolation !== null
    ? { violation: setupViolation, preemptions: 0, foundAtBound: request.preemptions, run: { preemptions: [], trace: [], failedAt: null, missed: [], stillBuffered: [] } }
    : r.found;
  let cx: Counterexample | null = null;
  let violation: ExhaustiveViolation | null = null;
  if (found !== null) {
    const f = found;
    const mutant = v.mutant ? { mutant: v.mutant.name } : {};
    const ran = { ...trace, preemptions: f.run.preemptions };
    // An x86-TSO schedule that needed no store buffer is shown, saved and
    // replayed in its sequentially consistent form (checker/search/sc_form.ts).
    const sc = tso && setupViolation === null ? scForm(ran, f.run.trace, f.run, f.violation.invariant, v) : null;
    cx = sc !== null
      ? toCounterexample(sc.trace, sc.result.trace, sc.result.violation!, sc.result.failedAt, mutant)
      : toCounterexample(ran, f.run.trace, f.violation, f.run.failedAt, { ...mutant, ...(tso ? { tso: true } : {}) });
    const file = hooks.save ? hooks.save(cx) : null;
    const ops = trace.setup.length + trace.threads.reduce((k, th) => k + th.ops.length, 0);
    violation = {
      invariant: f.violation.invariant,
      detail: f.violation.detail,
      diff: f.violation.diff,
      preemptions: f.preemptions,
      foundAtBound: f.foundAtBound,
      noneWithFewer: setupViolation !== null ? [] : r.smallerBoundsClear,
      operations: ops,
      atomicSteps: f.run.trace.length,
      file,
      replay: file === null ? "(not saved)" : (hooks.replayCommand ?? ((x: string) => `npx rmapcheck --replay ${x}`))(file),
    };
  }
  const main = r.main;
  const naive = naiveSchedules(p.steps, request.preemptions);
  const executions = main.stats.executions;
  const complete = main.complete && main.violation === null && (shard === undefined || shard.count === 1);
  const elapsedMs = Date.now() - t0;
  const missed = cc !== undefined && cc.missed > 0;
  // A cross-check asked for and not finished leaves the claim "0 missed" open: incomplete, never verified.
  const crossOpen = request.crossCheck !== undefined && violation === null && (cc === undefined || !cc.complete);
  const summary: ExhaustiveSummary = {
    ok: violation === null && !missed,
    verdict: violation !== null ? "violation" : missed ? "missed-classes" : complete && !crossOpen ? "verified" : "incomplete",
    subject: v.subject.name,
    design: v.design.name,
    mutant: v.mutant?.name ?? null,
    scenario: { name: request.scenario.name, source: request.scenario.source ?? null },
    memoryModel: tso ? "x86-tso" : "sc",
    exhaustive: {
      complete: main.complete,
      preemptionBound: request.preemptions,
      algorithm: request.preemptions === null ? "source-sets+sleep-sets" : "bounded-por",
      executions,
      pruned: main.stats.abandoned,
      states: null,
      atomicSteps: main.stats.steps,
      invariantChecks: main.stats.checks,
      naiveSchedules: naive.toString(),
      reduction: executions > 0 ? Math.min(Number.MAX_VALUE, Number(naive / BigInt(executions))) : 0,
      units: main.units,
      explored: main.explored,
      shard: request.shard ?? null,
    },
    violation,
    ...(cc === undefined ? {} : { crossCheck: cc }),
    timing: { elapsedMs, executionsPerSecond: elapsedMs > 0 ? Math.round((r.stats.executions * 1000) / elapsedMs) : 0 },
  };
  const lines = [fitLine(headLine(summary)), fitLine(verdictLine(summary)), ...crossCheckLines(summary)];
  if (request.crossCheck !== undefined && cc === undefined) lines.push(`cross-check: not run (${violation !== null ? "the reduced search found a violation" : "the reduced search did not finish"})`);
  if (cx !== null && tso && cx.tso !== true) lines.push(fitLine("its x86-TSO schedule needed no store buffer (no load missed a buffered store, none was left buffered): shown under sequential consistency"));
  if (cx !== null) lines.push("", (hooks.format ?? ((c, vv, rp) => formatCounterexample(c, vv.subject, rp)))(cx, v, violation!.replay), ...(violation!.file ? ["", labelled("counterexample saved to", violation!.file)] : []));
  else if (summary.verdict === "verified") lines.push(...restsOn(summary).map((l) => fitLine(l)));
  return { summary, text: lines.join("\n"), counterexample: cx };
}

/** Each thread's steps in the default schedule (for the plain-enumeration count). */
function stepsPerThread(program: ReturnType<typeof scenarioProgram>, threads: number): number[] {
  const exec = program.start();
  if ("setupFailure" in exec) return [];
  const r = exec.run({ name: "default", pick: (d) => d.dflt }, { before() {}, after() {} });
  // The design's executor threads (runtime/deferral.ts) come after the trace's.
  const out = new Array<number>(Math.max(threads, ...r.trace.map((s) => s.thread + 1))).fill(0);
  for (const s of r.trace) out[s.thread]!++;
  return out;
}
