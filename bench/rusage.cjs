/**
 * Preloaded by the speed bench (node --require bench/rusage.cjs ...): when the
 * process exits, writes its peak resident set size and CPU time (every thread
 * of the process) as one JSON object to the file named by RMAPCHECK_RUSAGE.
 * Takes no part in what the process prints.
 */
"use strict";
const { isMainThread } = require("node:worker_threads");
const { writeFileSync } = require("node:fs");

const out = process.env.RMAPCHECK_RUSAGE;
if (isMainThread && out) {
  const t0 = process.hrtime.bigint();
  process.on("exit", () => {
    const r = process.resourceUsage();
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    writeFileSync(out, JSON.stringify({ maxRssMB: r.maxRSS / 1024, cpuS: (r.userCPUTime + r.systemCPUTime) / 1e6, wallS }));
  });
}
