/**
 * The checker's one entry point: everything cli/ and bench/ use. Names given
 * by a user are resolved to variants here (resolveVariant) and nowhere else.
 */
export { BadInput } from "./bad_input";
export { check, type CheckHooks, DEFAULT_CHECK, type CheckOutput, type CheckRequest, optionsLine, type Summary, type Timing, type ViolationSummary } from "./jobs/check";
export { COMPARE_DESIGNS, compare, type CompareHooks, type CompareOutput, type CompareRequest, type CompareRow, type Cost, DEFAULT_COMPARE } from "./jobs/compare";
export { type Crossover, DEFAULT_SWEEP, type SweepPoint, type SweepRequest } from "./jobs/compare_sweep";
export { DOC_BLOCK_PREFIXES, DOC_BLOCKS, type DocBlockSpec, findingsCompareTable, freshBlock } from "./jobs/compare_doc_blocks";
export { docBlock, docBlockNames, withDocBlock } from "./doc_markers";
export { claimLines, reclaimCheck, zapRootsTrackCheck } from "./jobs/compare_claims";
export { exhaustive, exhaustiveOnWorkers, type ExhaustiveHooks, type ExhaustiveOutput, type ExhaustiveRequest } from "./jobs/exhaustive";
export type { Scenario } from "./exhaustive/scenario";
export { loadScenario, scenarioFromCounterexample, scenarioListing, scenarioNames, scenariosOf } from "./exhaustive/scenario_files";
export { type ExhaustiveSummary, mergeShards, readShardSummary } from "./exhaustive/summary";
export { type SampledRate, sampledRate } from "./exhaustive/sampled_rate";
export { summaryText as exhaustiveSummaryText, violatedInSetup } from "./exhaustive/verdict_text";
export { type CatalogueHooks, checkMutant, fewestPreemptions, type MutantRow, runCatalogue } from "./jobs/mutants";
export { replay, type ReplayHooks, type ReplayOutput } from "./jobs/replay";
export { benchStepping, type SteppingRow } from "./jobs/stepping";
export { type WindowReach, windowNames, windowReach } from "./jobs/windows";
export type { Counterexample } from "./report/counterexample";
export { type FileHeader, type FileOptions, MAX_FILE_BYTES, serialize } from "./report/cx_file";
export { type Format, formatter } from "./report/format";
export { Interrupted } from "./interrupted";
export type { Progress } from "./progress";
export type { SchedulerName } from "./search/explore";
export type { Subject, Variant } from "./subject";
export { catalogue, DEFAULT_SUBJECT, designNames, listing, mutantNames, resolveSubject, resolveVariant, SUBJECTS, subjectNames } from "./variants";

export { countWithoutReduction, generateScope, type GeneratedScope, scenarioJson, type SweepScenario, loadScope, mergeFiles, type Merged, type Scope, scopeNames, shardCommand, shardCosts, sweep, type SweepHooks, type SweepOutput, type SweepSummary } from "./sweep";
