/**
 * The checker's one entry point: everything cli/ and bench/ use. Names given
 * by a user are resolved to variants here (resolveVariant) and nowhere else.
 */
export { BadInput } from "./bad_input";
export { check, type CheckHooks, type CheckOutput, type CheckRequest, optionsLine, type Summary, type ViolationSummary } from "./jobs/check";
export { exhaustive, exhaustiveOnWorkers, type ExhaustiveHooks, type ExhaustiveOutput, type ExhaustiveRequest } from "./jobs/exhaustive";
export type { Scenario } from "./exhaustive/scenario";
export { loadScenario, scenarioFromCounterexample, scenarioNames } from "./exhaustive/scenario_files";
export { type ExhaustiveSummary, mergeShards } from "./exhaustive/summary";
export { type SampledRate, sampledRate } from "./exhaustive/sampled_rate";
export { summaryText as exhaustiveSummaryText } from "./exhaustive/verdict_text";
export { checkMutant, type MutantRow, runCatalogue } from "./jobs/mutants";
export { replay, type ReplayOutput } from "./jobs/replay";
export { benchStepping, type SteppingRow } from "./jobs/stepping";
export type { Counterexample } from "./report/counterexample";
export { serialize } from "./report/cx_file";
export type { SchedulerName } from "./search/explore";
export { catalogue, DEFAULT_DESIGN, designNames, listing, mutantNames, resolveVariant, type Variant } from "./variants";

