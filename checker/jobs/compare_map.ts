/**
 * --compare's map (compare_sweep.ts, compare_axes.ts) and step-cost profiles
 * (compare_profiles.ts): the parts of a comparison that do not depend on its
 * rows. `mapOnWorker` computes them on a worker thread while the caller
 * computes the rows, and hands them back synchronously (Atomics.wait, then
 * receiveMessageOnPort: compare() stays a plain function). The result is the
 * same as computeMap's on the caller's thread: the same pure functions of the
 * request. runtime/worker_file.ts loads the worker, compiled or from the
 * sources. While it waits, the caller polls its interrupt hook (Interrupted,
 * as on one thread) and watches the worker's progress, a counter the worker
 * moves at each point of the map: a worker that died without a word is
 * called dead after runtime/worker_stall.ts's time, with an error, never a
 * comparison.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, type WorkerOptions } from "node:worker_threads";
import { startWorker, workerEntry } from "../../runtime/worker_file";
import { stallWatch, WAIT_POLL_MS, WORKER_STALL_MS } from "../../runtime/worker_stall";
import { Interrupted } from "../interrupted";
import { type AxesPoint, type AxesRequest, axesSweep } from "./compare_axes";
import { type ProfilePoint, profileSweep } from "./compare_profiles";
import { sweep, type SweepPoint, type SweepRequest } from "./compare_sweep";

export interface MapRequest {
  sweep: SweepRequest | null;
  axes: AxesRequest;
  /** The profiles' DELETE: designs, N, S, vCPUs and step budget. */
  designs: readonly string[];
  pages: number;
  sptes: number;
  vcpus: number;
  budget: number;
}

export interface MapResult {
  points: SweepPoint[] | null;
  axes: AxesPoint[] | null;
  profiles: ProfilePoint[];
  sweepMs: number;
  profilesMs: number;
}

/** The map; `interrupted` is polled before each of its points (true: it throws Interrupted). */
export function computeMap(q: MapRequest, interrupted?: () => boolean): MapResult {
  const t1 = Date.now();
  const points = q.sweep === null ? null : sweep(q.sweep, interrupted);
  const axes = q.sweep === null ? null : axesSweep(q.axes, interrupted);
  const sweepMs = Date.now() - t1;
  const t2 = Date.now();
  const profiles = profileSweep(q.designs, q.pages, q.sptes, q.vcpus, q.budget, interrupted);
  return { points, axes, profiles, sweepMs, profilesMs: Date.now() - t2 };
}

/** What the worker gets. */
export interface MapWorkerData {
  request: MapRequest;
  port: MessagePort;
  /** [DONE]: set to 1 once the result (or an error) is posted; [POINTS]: the points of the map computed so far. */
  signal: Int32Array;
}

/** The words of MapWorkerData.signal. */
export const DONE = 0;
export const POINTS = 1;

/**
 * Start computeMap(q) on a worker thread; `join` waits for it and returns its result (it throws the
 * worker's error, Interrupted when `interrupted` says so, or an error once the worker made no
 * progress for stallMs). `stop` ends the worker.
 */
export function mapOnWorker(q: MapRequest, stallMs = WORKER_STALL_MS): { join: (interrupted?: () => boolean) => MapResult; stop: () => void } {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const workerData: MapWorkerData = { request: q, port: port2, signal };
  const options: WorkerOptions = { workerData, transferList: [port2] };
  const w = startWorker(workerEntry(__dirname, "compare_map_worker"), options);
  return {
    join: (interrupted) => {
      const watch = stallWatch(() => Atomics.load(signal, POINTS), (seconds) => new Error(`the map's worker computed no point in ${seconds} s; it died (out of memory?) or hangs`), stallMs);
      // The worker raises DONE before it notifies: any answer but a time-out means the result is posted.
      while (Atomics.wait(signal, DONE, 0, WAIT_POLL_MS) === "timed-out") {
        if (interrupted?.()) throw new Interrupted();
        watch();
      }
      const m = receiveMessageOnPort(port1)?.message as { result?: MapResult; error?: string } | undefined;
      void w.terminate();
      if (m?.result === undefined) throw new Error(`the map's worker failed: ${m?.error ?? "no result"}`);
      return m.result;
    },
    stop: () => void w.terminate(),
  };
}
