/** The sweep (docs/sweep.md): what checker/index.ts exports of it. */
export { generateScope, type GeneratedScope, scenarioJson, type SweepScenario } from "./generate";
export { mergeFiles, type Merged } from "./merge";
export { shardCommand, shardCosts } from "./plan";
export { sweep, type SweepHooks, type SweepOutput } from "./run";
export { loadScope, type Scope, scopeNames } from "./scope";
export type { SweepSummary } from "./summary";
export { countWithoutReduction } from "./generate";
