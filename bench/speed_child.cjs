/**
 * The speed bench's in-process figures, run in a child process on one tree's
 * compiled JavaScript (this repository's dist/, or a worktree of an older
 * commit compiled the same way), so that two commits are measured by the same
 * harness one after the other. Prints one JSON object.
 *
 *   node bench/speed_child.cjs TREE stepping   the stepping bench of that tree (v3-fixed, 2,000
 *                                             traces, seed 1, best of 5 rounds)
 *   node bench/speed_child.cjs TREE chain      generator frames live per step (the stepping bench's 2,000
 *                                             traces) and ns per step of a chain of 1 and of 7 generators
 *   node bench/speed_child.cjs TREE sampled    sampled runs of unmap-two-descs (v3-fixed, 3,000 runs)
 *   node bench/speed_child.cjs TREE phases     20,000 generated traces of v3-fixed run checked under PCT,
 *                                             twice in one process (cold, then warm): generation, runs,
 *                                             interleaved phase, and (Linux) the checking thread's share
 *   node bench/speed_child.cjs TREE prefix     exhaustive unmap-two-descs (v3-fixed, first 15,000 executions),
 *                                             the set-up re-run for every execution against restored from
 *                                             its snapshot, alternated, best of 2 each
 *   node bench/speed_child.cjs TREE batch      every scenario of both subjects, exhaustive with at
 *                                             most 1 preemption (v3-fixed, merged): a sweep-sized batch
 *
 * The machine is shared: wall-clock time counts the time other processes hold
 * the cores. Both benches time themselves with process.hrtime.bigint(), so the
 * child replaces it with the process's CPU time (user + system, microseconds)
 * before loading the tree: the same code, timed in CPU seconds.
 */
"use strict";
const { join, resolve } = require("node:path");

process.hrtime.bigint = () => {
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
};

const [tree, mode] = process.argv.slice(2);
const dist = resolve(tree, "dist");
let out;
if (mode === "stepping") {
  let rows;
  try {
    const c = require(join(dist, "checker"));
    rows = c.benchStepping(c.resolveVariant("v3-fixed", null), 2000, 1, 5);
  } catch (e) {
    if (e.code !== "MODULE_NOT_FOUND") throw e;
    // Before the checker had an entry point (ae838b6): bench/stepping.ts took the design's name.
    rows = require(join(dist, "bench", "stepping")).benchStepping("v3-fixed", 2000, 1, 5);
  }
  out = { bare: rows[0], checked: rows[1], full: rows[2] };
} else if (mode === "chain") {
  const c = require(join(dist, "checker"));
  out = c.benchChain(c.resolveVariant("v3-fixed", null), 2000, 1);
} else if (mode === "phases") {
  const c = require(join(dist, "checker"));
  // The calling thread's CPU time splits each round between it and V8's helper threads (an older tree ignores it).
  out = c.benchPhases(c.resolveVariant("v3-fixed", null), 20000, 1, require("./rusage.cjs").callingThreadCpuS);
} else if (mode === "sampled") {
  const c = require(join(dist, "checker"));
  out = c.sampledRate(c.loadScenario("unmap-two-descs"), c.resolveVariant("v3-fixed", null), 3000);
} else if (mode === "prefix") {
  // The exhaustive mode with the set-up re-run for every execution (as before the snapshot) and
  // restored from its snapshot, alternated (rerun, snapshot, rerun, snapshot), CPU time of each.
  const c = require(join(dist, "checker"));
  const scenario = c.loadScenario("unmap-two-descs");
  const variant = c.resolveVariant("v3-fixed", null);
  const rounds = { rerun: [], snapshot: [] };
  let executions = 0;
  for (let r = 0; r < 2; r++) {
    for (const which of ["rerun", "snapshot"]) {
      const t0 = process.hrtime.bigint();
      executions = c.exhaustive({ variant, scenario, preemptions: 2, maxExecutions: 15000, rerunSetup: which === "rerun" }).summary.exhaustive.executions;
      rounds[which].push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
  }
  out = { executions, rerunCpuS: Math.min(...rounds.rerun), snapshotCpuS: Math.min(...rounds.snapshot) };
} else if (mode === "batch") {
  const c = require(join(dist, "checker"));
  const t0 = process.hrtime.bigint();
  let scenarios = 0;
  let executions = 0;
  for (const subject of c.SUBJECTS) {
    const variant = c.resolveVariant(subject.name === "series" ? "v3-fixed" : "merged", null, subject);
    for (const scenario of c.scenariosOf(subject)) {
      executions += c.exhaustive({ variant, scenario, preemptions: 1 }).summary.exhaustive.executions;
      scenarios++;
    }
  }
  out = { scenarios, executions, cpuS: Number(process.hrtime.bigint() - t0) / 1e9 };
} else {
  process.stderr.write(`speed_child: unknown mode ${mode}\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
