/**
 * The worker thread that runs a long job (a check, the mutant catalogue), so
 * that the main thread stays free to receive SIGINT and SIGTERM. It polls a
 * shared flag between runs; counterexample files are written here as they
 * are found, so an interrupted job has already kept the best one.
 */
import { parentPort, workerData } from "node:worker_threads";
import { BadInput, type CatalogueHooks, check, type CheckHooks, checkSeeds, compare, exhaustive, exhaustiveOnWorkers, type ExhaustiveOutput, formatter, Interrupted, loadScenario, resolveSubject, resolveVariant, runCatalogue, runCatalogueOnWorkers, scenarioFromCounterexample } from "../checker";
import { saver } from "./cx_files";
import type { JobRequest, WorkerMessage } from "./job_protocol";
import { type SeedRow, seedRow, seedsReport } from "./seeds";

const { request, flag } = workerData as { request: JobRequest; flag: SharedArrayBuffer };
const stop = new Int32Array(flag);
const interrupted = (): boolean => Atomics.load(stop, 0) !== 0;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const progress = (p: WorkerMessage & { type: "progress" }) => post(p);

/** --exhaustive: 0 verified, 1 a violation or (--cross-check) a missed behaviour class, 4 incomplete (no verdict). */
async function runExhaustive(r: JobRequest): Promise<WorkerMessage> {
  const x = r.exhaustive;
  let scenario;
  let variant;
  let fileTso = false;
  if (x.replayFile !== null) {
    const fromFile = scenarioFromCounterexample(x.replayFile);
    fileTso = fromFile.tso;
    const fileSubject = fromFile.variant.subject.name;
    if (x.subjectGiven && r.subject !== fileSubject) throw new BadInput(`${x.replayFile} is a counterexample of subject ${fileSubject}, not ${r.subject}; drop --subject`);
    scenario = fromFile.scenario;
    variant = r.design !== null || r.mutant !== null ? resolveVariant(r.design, r.mutant, fromFile.variant.subject) : fromFile.variant;
  } else {
    scenario = loadScenario(x.scenario!);
    variant = resolveVariant(r.design, r.mutant, resolveSubject(r.subject));
  }
  // A file found under x86-TSO is explored under x86-TSO; so is a mutant only x86-TSO shows.
  const tso = r.tso || fileTso || variant.needsTso;
  const header = {
    tool: { name: "rmapcheck", version: r.version },
    options: { subject: variant.subject.name, design: variant.design.name, mutant: variant.mutant?.name ?? null, mode: "exhaustive" as const, seed: 0, runs: 0, sequences: 0, scheduler: "exhaustive", depth: 0, tso, scenario: scenario.name, preemptions: x.preemptions },
  };
  const request = {
    variant,
    scenario,
    tso,
    preemptions: x.preemptions,
    ...(x.maxExecutions === undefined ? {} : { maxExecutions: x.maxExecutions }),
    ...(x.maxSeconds === undefined ? {} : { maxSeconds: x.maxSeconds }),
    ...(x.shard === undefined ? {} : { shard: x.shard }),
    ...(x.crossCheck === undefined ? {} : { crossCheck: x.crossCheck }),
  };
  const hooks = {
    interrupted,
    progress: (line: string) => post({ type: "line", line }),
    save: saver(r.outDir, header, (file) => post({ type: "saved", file })),
    format: formatter(r.format, r.columns),
  };
  const out: ExhaustiveOutput = r.workers > 1 ? await exhaustiveOnWorkers(request, r.workers, hooks) : exhaustive(request, hooks);
  const s = out.summary;
  if (interrupted()) return { type: "done", status: 1, stdout: r.json ? JSON.stringify({ ...s, interrupted: true }) : "", interrupted: true, summary: "" };
  const status = s.verdict === "verified" ? 0 : s.verdict === "violation" || s.verdict === "missed-classes" ? 1 : 4;
  return { type: "done", status, stdout: r.json ? JSON.stringify(s) : out.text, interrupted: false, summary: `${s.exhaustive.executions} executions` };
}

async function run(r: JobRequest): Promise<WorkerMessage> {
  if (r.kind === "exhaustive") return runExhaustive(r);
  const subject = resolveSubject(r.subject);
  const base = { seed: r.seed, runs: r.runs, sequences: r.sequences, scheduler: r.scheduler, depth: r.depth, tso: r.tso };
  if (r.kind === "compare") {
    const c = compare({ seed: r.seed, runs: r.runs, sequences: r.sequences, scheduler: r.scheduler, workers: 2, ...r.compare }, { interrupted, progress: (p) => progress({ type: "progress", progress: p }) });
    const { text, ...json } = c; // --json keeps the wall-clock figures, in `timing` only (README)
    return { type: "done", status: 0, stdout: r.json ? JSON.stringify(json) : text, interrupted: false, summary: "" };
  }
  if (r.kind === "mutants") {
    const hooks: CatalogueHooks = { interrupted, progress: (p) => progress({ type: "progress", progress: p }) };
    const m = r.workers > 1 ? await runCatalogueOnWorkers(base, r.workers, hooks, subject) : runCatalogue(base, hooks, subject);
    const failed = m.rows.some((x) => !x.detected);
    return { type: "done", status: m.interrupted ? 1 : failed ? 1 : 0, stdout: r.json ? JSON.stringify({ subject: subject.name, interrupted: m.interrupted, rows: m.rows }) : m.text, interrupted: m.interrupted, summary: m.text.split("\n").pop() ?? "" };
  }
  const variant = resolveVariant(r.design, r.mutant, subject);
  const tso = r.tso || variant.needsTso;
  const header = {
    tool: { name: "rmapcheck", version: r.version },
    options: { subject: subject.name, design: variant.design.name, mutant: variant.mutant?.name ?? null, mode: "sampled" as const, seed: r.seed, runs: r.runs, sequences: r.sequences, scheduler: r.scheduler, depth: r.depth, tso },
  };
  const hooksFor = (seed: number): CheckHooks => ({
    interrupted,
    progress: (p) => progress({ type: "progress", progress: p }),
    save: saver(r.outDir, { ...header, options: { ...header.options, seed } }, (file) => post({ type: "saved", file })),
    format: formatter(r.format, r.columns),
  });
  if (r.seeds !== null) {
    const rows: SeedRow[] = [];
    const [first, last] = r.seeds;
    const seeds = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    const hooksAnnounced = (seed: number): CheckHooks => {
      if (!interrupted()) post({ type: "line", line: `[rmapcheck] seed ${seed} (${seed - first + 1} of ${seeds.length})` });
      return hooksFor(seed);
    };
    checkSeeds({ ...base, variant, workers: r.workers }, seeds, hooksAnnounced, (seed, out) => rows.push(seedRow(seed, out.summary)));
    const text = seedsReport(rows, r.seeds, r.json);
    return { type: "done", status: rows.some((x) => x.invariant !== null || x.interrupted) || rows.length === 0 ? 1 : 0, stdout: text, interrupted: interrupted(), summary: "" };
  }
  const out = check({ ...base, seed: r.seed, variant, workers: r.workers }, hooksFor(r.seed));
  const s = out.summary;
  return { type: "done", status: s.ok ? 0 : 1, stdout: r.json ? JSON.stringify(s) : out.text, interrupted: s.interrupted, summary: `${s.runs} concurrent runs` };
}

run(request).then(post, (e: unknown) => {
  if (e instanceof Interrupted) {
    post({ type: "done", status: 1, stdout: "", interrupted: true, summary: "" });
    process.exit(0);
  }
  post(e instanceof BadInput ? { type: "bad-input", message: e.message } : { type: "failed", message: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) });
});
