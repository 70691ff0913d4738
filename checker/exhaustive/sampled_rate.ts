/**
 * The sampled mode's speed on a scenario, for the bench's comparison with
 * the exhaustive mode: `runs` runs of the scenario's threads under uniformly
 * random schedules (seeds 1..runs), each from a fresh world and set-up, with
 * the same checks. Wall-clock figures only: nothing here is a verdict.
 */
import { RandomScheduler } from "../../runtime/schedulers/random";
import { runTrace } from "../search/trace";
import type { Variant } from "../subject";
import { type Scenario, traceOf } from "./scenario";

export interface SampledRate {
  runs: number;
  ms: number;
  runsPerSecond: number;
  violations: number;
}

export function sampledRate(scenario: Scenario, variant: Variant, runs: number): SampledRate {
  const trace = traceOf(scenario, variant.design.name);
  const t0 = process.hrtime.bigint();
  let violations = 0;
  for (let seed = 1; seed <= runs; seed++) if (runTrace(trace, variant, { scheduler: new RandomScheduler(seed) }).result.violation !== null) violations++;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { runs, ms, runsPerSecond: (runs * 1000) / ms, violations };
}
