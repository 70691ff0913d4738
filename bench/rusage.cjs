/**
 * Preloaded by the speed bench (node --require bench/rusage.cjs ...): when the
 * process exits, writes its peak resident set size and CPU time (every thread
 * of the process) as one JSON object to the file named by RMAPCHECK_RUSAGE.
 * Takes no part in what the process prints.
 *
 * On Linux it also splits the CPU time by thread (/proc/self/task, read at
 * exit): `mainCpuS`, the main thread; `helperCpuS`, the other threads still
 * alive at exit, which are Node's and V8's own (the optimising compiler's and
 * the garbage collector's background threads, libuv's pool); and so the rest,
 * `cpuS - mainCpuS - helperCpuS`, the threads that ended before the process,
 * which for rmapcheck is the worker thread that ran the check. Absent elsewhere.
 * `callingThreadCpuS()` (exported, for bench/speed_child.cjs) reads the CPU
 * time of the thread that calls it.
 */
"use strict";
const { isMainThread } = require("node:worker_threads");
const { readdirSync, readFileSync, writeFileSync } = require("node:fs");

/** CPU seconds of each live thread of this process (Linux), main thread first; null where /proc is not there. */
function threadCpu() {
  let tids;
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return null;
  }
  // utime and stime, the 14th and 15th fields of stat, in clock ticks (USER_HZ, 100 on Linux).
  const cpuOf = (tid) => {
    const st = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  let main = 0;
  let helpers = 0;
  for (const tid of tids) {
    if (Number(tid) === process.pid) main = cpuOf(tid);
    else helpers += cpuOf(tid);
  }
  return { mainCpuS: main, helperCpuS: helpers };
}

/** CPU seconds of the calling thread so far (Linux: /proc/thread-self), or null where /proc is not there. */
function callingThreadCpuS() {
  try {
    const st = readFileSync("/proc/thread-self/stat", "utf8");
    const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

module.exports = { callingThreadCpuS };

const out = process.env.RMAPCHECK_RUSAGE;
if (isMainThread && out) {
  const t0 = process.hrtime.bigint();
  process.on("exit", () => {
    const r = process.resourceUsage();
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    writeFileSync(out, JSON.stringify({ maxRssMB: r.maxRSS / 1024, cpuS: (r.userCPUTime + r.systemCPUTime) / 1e6, wallS, ...threadCpu() }));
  });
}
