/**
 * The sampled search's generated runs on several threads (--workers N): the
 * caller's thread and N - 1 worker threads, with the result of one thread.
 * Run i of a seed is the same generated run on any thread (run_stream.ts),
 * and its scheduler is seeded by the run, so a run's outcome does not depend
 * on where it runs. Every thread takes the next slice of the run indices
 * from one shared counter, so slices are taken in index order (slice.ts
 * takeSlice); the answer is the lowest failing index, with the
 * statistics (runs, steps, invariant checks) of every run up to and
 * including it: what one thread counts, reading the runs in order and
 * stopping at the first violation.
 *
 * Work past the answer: a thread that finds a violation lowers a shared
 * cutoff, and no run past the cutoff is started; runs already done past it
 * are dropped from the statistics. Slices start small (a violation in the
 * first runs is found about as soon as on one thread) and grow to about an
 * eighth of a thread's share (skipping to a slice's start costs fast-check
 * one jump of its generator per run skipped).
 *
 * Synchronous: the caller runs slices itself (its JIT stays warm for the
 * shrinking that follows) and, before each of its runs, collects the
 * workers' reports; with nothing left to take it waits in Atomics.wait,
 * polling its interrupt hook every WAIT_POLL_MS. A search may be begun on the
 * workers before the caller joins it (begin: a check's workers search while
 * its sequential phase runs); one begun and not joined is stopped, and its
 * workers waited for, before the next one begins. Each
 * worker runs search_worker.ts, which resolves the variant again by its
 * names (objects do not cross threads): a variant must be one the catalogue
 * resolves (runtime/worker_file.ts loads it, compiled or from the sources).
 *
 * Errors: a thread that throws (not a violation) reports it; every thread
 * then stops at its next run and the search throws, never a verdict. A
 * worker that died without a report (killed, out of memory) cannot say so,
 * and blocked in Atomics.wait the caller sees no 'exit' event: while it waits
 * for the workers, the caller watches the runs done and the messages posted
 * by every thread, and when neither has moved for `stallMs`
 * (runtime/worker_stall.ts) it stops the search and throws, never a verdict.
 * Its interrupt hook (SIGINT, SIGTERM) ends the wait at once.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { startWorker, workerEntry } from "../../runtime/worker_file";
import { stallWatch, WAIT_POLL_MS, WORKER_STALL_MS } from "../../runtime/worker_stall";
import type { Variant } from "../subject";
import type { SampledSettings } from "./sampled_run";
import { CUTOFF, DONE, type Idle, NEXT, NO_CUTOFF, runSlice, type SearchTask, SHARED_WORDS, SIGNAL, type SliceReport, slices, STOP, takeSlice } from "./slice";

/** What each worker gets. */
export interface SearchWorkerData {
  subject: string;
  design: string;
  mutant: string | null;
  settings: SampledSettings;
  port: MessagePort;
  shared: SharedArrayBuffer;
}


export interface PoolSearch {
  /** Stopped by the interrupt hook: no answer (failedAt null), and the counts are of every run done. */
  interrupted: boolean;
  /** The lowest failing run index, or null. */
  failedAt: number | null;
  /** Runs, steps and checks up to and including failedAt (all of them without one). */
  runs: number;
  steps: number;
  checks: number;
}

/**
 * The answer of a search from its slices' reports: the lowest failing index,
 * and the sums over the runs up to it. Every slice before it must be complete
 * (else the pool is wrong: an Error, never a verdict).
 */
export function answer(reports: readonly SliceReport[], numRuns: number): PoolSearch {
  const failing = reports.filter((r) => r.failedAt !== null).map((r) => r.failedAt!);
  const failedAt = failing.length === 0 ? null : Math.min(...failing);
  const end = failedAt === null ? numRuns : failedAt + 1;
  const out: PoolSearch = { interrupted: false, failedAt, runs: 0, steps: 0, checks: 0 };
  for (const r of [...reports].sort((a, b) => a.start - b.start)) {
    if (r.start >= end) continue;
    if (r.start !== out.runs) throw new Error(`search pool: runs ${out.runs}..${r.start - 1} were not reported`);
    const last = r.start + r.ran;
    if (last < Math.min(end, r.start + r.count)) throw new Error(`search pool: slice ${r.start} stopped at run ${last}, before run ${end - 1}`);
    out.runs = Math.min(end, r.start + r.count);
    out.steps += r.steps;
    out.checks += r.checks;
  }
  if (out.runs !== end) throw new Error(`search pool: runs ${out.runs}..${end - 1} were not reported`);
  return out;
}

const sum = (reports: readonly SliceReport[], f: (r: SliceReport) => number): number => reports.reduce((n, r) => n + f(r), 0);

export class SearchPool {
  private readonly shared = new Int32Array(new SharedArrayBuffer(4 * SHARED_WORDS));
  private readonly workers: Array<{ worker: Worker; port: MessagePort }> = [];
  /** The search the workers were told of and the caller has not joined yet (begin), or null. */
  private pending: { seed: number; numRuns: number } | null = null;
  /** Slices the worker threads have run, over every search (tests: the work was shared). */
  slicesOnWorkers = 0;

  /**
   * `threads` in all: this one and threads - 1 workers. `callerRuns` false:
   * this thread only collects reports, every run is on a worker (tests: what
   * the workers compute alone). `stallMs`: how long the caller waits with no
   * run done and no message posted (runtime/worker_stall.ts; tests: shorter).
   */
  constructor(
    private readonly variant: Variant,
    private readonly settings: SampledSettings,
    readonly threads: number,
    private readonly callerRuns = true,
    private readonly stallMs = WORKER_STALL_MS,
  ) {
    if (!callerRuns && threads < 2) throw new Error("search pool: with callerRuns false, threads must be at least 2");
    for (let i = 1; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const data: SearchWorkerData = { subject: variant.subject.name, design: variant.design.name, mutant: variant.mutant?.name ?? null, settings, port: port2, shared: this.shared.buffer as SharedArrayBuffer };
      this.workers.push({ worker: startWorker(workerEntry(__dirname, "search_worker"), { workerData: data, transferList: [port2] }), port: port1 });
    }
  }

  /**
   * Start a search on the workers now (the caller joins it with search(),
   * e.g. after a check's sequential phase). A search begun and never joined
   * is stopped by the next begin, or ended by close.
   */
  begin(seed: number, numRuns: number): void {
    this.abandon();
    const s = this.shared;
    Atomics.store(s, STOP, 0);
    Atomics.store(s, CUTOFF, NO_CUTOFF);
    Atomics.store(s, DONE, 0);
    Atomics.store(s, NEXT, 0);
    const task: SearchTask = { seed, numRuns, planThreads: this.planThreads() };
    for (const w of this.workers) w.port.postMessage(task);
    this.pending = { seed, numRuns };
  }

  /**
   * Runs 0 .. numRuns - 1 of `seed` until the first violation, joining the
   * search begun for them if there is one. `progress` gets the runs done so
   * far (a count, past the answer included). After an interrupt, once every
   * thread has stopped: no answer, and what was done.
   */
  search(seed: number, numRuns: number, interrupted: () => boolean, progress: (done: number) => void): PoolSearch {
    if (this.pending === null || this.pending.seed !== seed || this.pending.numRuns !== numRuns) this.begin(seed, numRuns);
    this.pending = null;
    const s = this.shared;
    const plan = slices(numRuns, this.planThreads());
    const reports: SliceReport[] = [];
    let idle = 0;
    let stopped = false;
    let failed: SliceReport | null = null;
    /** A worker's message: a slice's report, or that it took its last slice. */
    const collect = (message: SliceReport | Idle) => {
      if ("idle" in message) {
        idle++;
        return;
      }
      reports.push(message);
      if (message.error !== null) failed ??= message;
      this.slicesOnWorkers++;
    };
    /** Collect the workers' messages, poll the interrupt hook, tell progress. */
    const pump = () => {
      this.drain(collect);
      // An interrupt, or a thread's error: every thread stops at its next run.
      if (!stopped && (failed !== null || interrupted())) {
        stopped = true;
        Atomics.store(s, STOP, 1);
      }
      progress(Math.min(numRuns, Atomics.load(s, DONE)));
    };
    let mine = this.callerRuns;
    const watch = this.workersWatch();
    for (;;) {
      const seen = Atomics.load(s, SIGNAL);
      pump();
      const slice = mine ? takeSlice(s, plan) : null; // none once stopped (STOP is set)
      if (slice !== null) {
        const report = runSlice(this.variant, this.settings, { seed, ...slice }, s, pump);
        reports.push(report);
        if (report.error !== null) failed ??= report;
        continue;
      }
      mine = false;
      if (idle === this.workers.length) break;
      watch(this.workers.length - idle);
      Atomics.wait(s, SIGNAL, seen, WAIT_POLL_MS);
    }
    if (failed !== null) throw new Error(`a search thread failed: ${failed.error}`);
    if (stopped) return { interrupted: true, failedAt: null, runs: sum(reports, (r) => r.ran), steps: sum(reports, (r) => r.steps), checks: sum(reports, (r) => r.checks) };
    return answer(reports, numRuns);
  }

  /** The pool runs this variant's runs under these settings (a search with other ones may not use it). */
  serves(variant: Variant, settings: SampledSettings): boolean {
    const s = this.settings;
    return variant === this.variant && s.scheduler === settings.scheduler && s.depth === settings.depth && s.budget === settings.budget && s.tso === settings.tso && s.full === settings.full;
  }

  close(): void {
    for (const w of this.workers) {
      w.port.close();
      void w.worker.terminate();
    }
  }

  /** The threads a search's plan is cut for: the workers, and this one unless it only collects. */
  private planThreads(): number {
    return this.workers.length + (this.callerRuns ? 1 : 0);
  }

  /** Stop a search begun and not joined, and wait until every worker is idle (each stops at its next run). */
  private abandon(): void {
    if (this.pending === null) return;
    this.pending = null;
    const s = this.shared;
    Atomics.store(s, STOP, 1);
    let idle = 0;
    const watch = this.workersWatch();
    while (idle < this.workers.length) {
      const seen = Atomics.load(s, SIGNAL);
      this.drain((message) => {
        if ("idle" in message) idle++;
      });
      if (idle === this.workers.length) break;
      watch(this.workers.length - idle);
      Atomics.wait(s, SIGNAL, seen, WAIT_POLL_MS);
    }
  }

  /**
   * A watch over the caller's wait for `waitingFor` workers: it stops every
   * thread and throws once no run was done and no message posted for stallMs.
   */
  private workersWatch(): (waitingFor: number) => void {
    const s = this.shared;
    let waiting = 0;
    const watch = stallWatch(
      () => Atomics.load(s, DONE) + Atomics.load(s, SIGNAL),
      (seconds) => {
        Atomics.store(s, STOP, 1);
        this.pending = null;
        return new Error(`search pool: no run done and no report from ${waiting} worker thread${waiting === 1 ? "" : "s"} in ${seconds} s; a worker thread died (out of memory?) or hangs`);
      },
      this.stallMs,
    );
    return (waitingFor) => {
      waiting = waitingFor;
      watch();
    };
  }

  /** Every message the workers have posted so far, in each worker's order. */
  private drain(take: (message: SliceReport | Idle) => void): void {
    for (const w of this.workers) {
      for (let m = receiveMessageOnPort(w.port); m !== undefined; m = receiveMessageOnPort(w.port)) take(m.message as SliceReport | Idle);
    }
  }
}
