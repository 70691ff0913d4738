/**
 * The sweep job: every scenario of a scope (or of one shard of it) explored
 * by the exhaustive job (checker/jobs/exhaustive.ts: its bound, its checks,
 * its counterexamples), with progress, and one verdict: verified within the
 * scope, or the smallest violation found (fewest operations, then
 * preemptions, then steps, then scope order), saved and replayable.
 *
 * Scenarios run in scope order, fewest operations first; once a violation is
 * found, scenarios with more operations than it cannot give a smaller one
 * and are skipped (counted), and the other scenarios with as many operations
 * are explored within the violation's preemptions only (a smaller violation
 * has at most that many; counted as `withinFound`). Between scenarios the job
 * yields to the event loop so that a signal handler can ask it to stop
 * (`interrupted`).
 *
 * A scenario's violation is the one the exhaustive job reports when run
 * with its fewest preemptions as the bound (re-run so when found at another
 * bound): its steps then do not depend on the bound a scenario happened to be
 * explored with, so the verdict is the same in any order and any sharding.
 */
import { BadInput } from "../bad_input";
import { exhaustive } from "../jobs/exhaustive";
import type { Counterexample } from "../report/counterexample";
import { traceOf } from "../exhaustive/scenario";
import type { Variant } from "../subject";
import { generateScope, type GeneratedScope, scenarioJson } from "./generate";
import { scopeDigest, shardOf } from "./plan";
import type { Scope } from "./scope";
import type { SweepSummary, SweepViolation } from "./summary";
import { sweepText } from "./summary";

export interface SweepRequest {
  scope: Scope;
  variant: Variant;
  /** 1-based. */
  shard?: { index: number; count: number };
}

export interface SweepHooks {
  /** A progress line (done/total, executions, violations, time left). */
  progress?: (line: string) => void;
  /** Save a counterexample; returns its path. */
  save?: (cx: Counterexample) => string;
  /** Save a scenario file (its JSON); returns its path. */
  saveScenario?: (json: unknown, name: string) => string;
  replayCommand?: (file: string) => string;
  interrupted?: () => boolean;
  /** Milliseconds between progress lines (default 2000). */
  progressEveryMs?: number;
}

export interface SweepOutput {
  summary: SweepSummary;
  text: string;
}

/** Fewest operations, then preemptions, then steps, then scope order. */
export const smaller = (a: SweepViolation, b: SweepViolation): boolean =>
  (a.operations - b.operations || a.preemptions - b.preemptions || a.atomicSteps - b.atomicSteps || a.index - b.index) < 0;

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.round(s)}s`;
}

export async function sweep(request: SweepRequest, hooks: SweepHooks = {}, generated?: GeneratedScope): Promise<SweepOutput> {
  const { scope, variant } = request;
  if (scope.subject !== variant.subject) {
    throw new BadInput(`scope ${scope.name} is of subject ${scope.subject.name}; design ${variant.design.name} is of ${variant.subject.name}`);
  }
  if (variant.needsTso) throw new BadInput(`the sweep explores sequential consistency only; mutant ${variant.mutant?.name} is observable only under x86-TSO (use the sampled mode with --tso)`);
  const sh = request.shard;
  if (sh && (!Number.isInteger(sh.index) || !Number.isInteger(sh.count) || sh.count < 1 || sh.index < 1 || sh.index > sh.count)) throw new BadInput("--shard must be i/n with 1 <= i <= n");
  const t0 = Date.now();
  const g = generated ?? generateScope(scope);
  const all = g.scenarios;
  const applicable = all.filter((s) => (variant.subject.traceProblem?.(traceOf(s.scenario, variant.design.name), variant) ?? null) === null);
  const applicableSet = new Set(applicable.map((s) => s.index));
  const mine = (sh ? shardOf(all, sh.index, sh.count) : all.map((s) => s.index)).filter((i) => applicableSet.has(i)).map((i) => all[i]!);
  const totalCost = mine.reduce((k, s) => k + s.cost, 0);
  const progress = hooks.progress ?? (() => {});
  const every = hooks.progressEveryMs ?? 2000;
  let lastProgress = t0;
  let doneCost = 0;
  let skippedCost = 0;
  let explored = 0;
  let skipped = 0;
  let withinFound = 0;
  let violations = 0;
  const stats = { executions: 0, pruned: 0, atomicSteps: 0, invariantChecks: 0 };
  let best: SweepViolation | null = null;
  let bestCx: Counterexample | null = null;
  let interrupted = false;
  for (const s of mine) {
    await new Promise<void>((r) => setImmediate(r));
    if (hooks.interrupted?.()) {
      interrupted = true;
      break;
    }
    if (best !== null && s.operations > best.operations) {
      skipped++;
      skippedCost += s.cost;
      continue;
    }
    const within = best !== null && s.operations === best.operations && best.preemptions < scope.preemptions;
    const run = (bound: number) => {
      const out = exhaustive({ variant, scenario: s.scenario, preemptions: bound }, { ...(hooks.interrupted ? { interrupted: hooks.interrupted } : {}) });
      const e = out.summary.exhaustive;
      stats.executions += e.executions;
      stats.pruned += e.pruned;
      stats.atomicSteps += e.atomicSteps;
      stats.invariantChecks += e.invariantChecks;
      return out;
    };
    let out = run(within ? best!.preemptions : scope.preemptions);
    const first = out.summary.violation;
    if (first !== null && first.foundAtBound !== first.preemptions && out.summary.verdict !== "incomplete") out = run(first.preemptions);
    if (out.summary.verdict === "incomplete") {
      interrupted = true;
      break;
    }
    explored++;
    if (within) withinFound++;
    doneCost += s.cost;
    const v = out.summary.violation;
    if (v !== null) {
      violations++;
      const cand: SweepViolation = {
        scenario: s.scenario.name,
        index: s.index,
        invariant: v.invariant,
        detail: v.detail,
        operations: s.operations,
        preemptions: v.preemptions,
        atomicSteps: v.atomicSteps,
        file: null,
        scenarioFile: null,
        replay: "(not saved)",
      };
      if (best === null || smaller(cand, best)) {
        best = cand;
        bestCx = out.counterexample;
      }
    }
    const now = Date.now();
    if (now - lastProgress >= every || explored + skipped === mine.length) {
      lastProgress = now;
      const left = doneCost > 0 ? ((now - t0) / 1000) * ((totalCost - doneCost - skippedCost) / doneCost) : NaN;
      const counts = `${explored + skipped}/${mine.length} scenarios, ${stats.executions.toLocaleString("en-US")} executions`;
      progress(`[rmapcheck] sweep ${scope.name}: ${counts}, ${violations} violation${violations === 1 ? "" : "s"}, ~${fmtSeconds(left)} left`);
    }
  }
  if (best !== null && bestCx !== null) {
    const file = hooks.save ? hooks.save(bestCx) : null;
    const sc = all[best.index]!.scenario;
    const scenarioFile = hooks.saveScenario ? hooks.saveScenario(scenarioJson(sc), sc.name) : null;
    best = { ...best, file, scenarioFile, replay: file === null ? "(not saved)" : (hooks.replayCommand ?? ((x: string) => `npx rmapcheck --replay ${x}`))(file) };
  }
  const complete = !interrupted;
  const elapsedMs = Date.now() - t0;
  const summary: SweepSummary = {
    ok: best === null,
    verdict: best !== null ? "violation" : complete && (sh === undefined || sh.count === 1) ? "verified" : "incomplete",
    kind: "sweep",
    subject: variant.subject.name,
    design: variant.design.name,
    mutant: variant.mutant?.name ?? null,
    sweep: {
      scope: scope.name,
      digest: scopeDigest(all),
      preemptionBound: scope.preemptions,
      ...g.counts,
      excluded: all.length - applicable.length,
      assigned: mine.length,
      explored,
      withinFound,
      skipped,
      ...stats,
      complete,
      shard: sh ?? null,
    },
    violation: best,
    timing: { elapsedMs, executionsPerSecond: elapsedMs > 0 ? Math.round((stats.executions * 1000) / elapsedMs) : 0 },
  };
  return { summary, text: sweepText(summary) };
}
