/**
 * The checker's one entry point: everything cli/ and bench/ use. Names given
 * by a user are resolved to variants here (resolveVariant) and nowhere else.
 *
 * The first block is loaded with this file: the subjects and their names,
 * the sampled check, the printed forms. Everything after it is loaded on its
 * first call (lazy_module.ts): the exhaustive engine, --compare, the sweep,
 * replay and the file readers with their zod schemas. A check's two threads
 * then load only what a check runs (issue 18, docs/benchmarks.md).
 */
import { lazyModule } from "./lazy_module";
import type * as CompareClaims from "./jobs/compare_claims";
import type * as CompareDocBlocks from "./jobs/compare_doc_blocks";
import type * as CompareJob from "./jobs/compare";
import type * as ExhaustiveJob from "./jobs/exhaustive";
import type * as MutantsJob from "./jobs/mutants";
import type * as CataloguePool from "./jobs/catalogue_pool";
import type * as ReplayJob from "./jobs/replay";
import type * as SampledRate from "./exhaustive/sampled_rate";
import type * as ScenarioFiles from "./exhaustive/scenario_files";
import type * as ShardSummary from "./exhaustive/summary";
import type * as CxFile from "./report/cx_file";
import type * as Stepping from "./jobs/stepping";
import type * as Sweep from "./sweep";
import type * as Windows from "./jobs/windows";

export { BadInput } from "./bad_input";
export { check, type CheckHooks, checkSeeds, DEFAULT_CHECK, type CheckOutput, type CheckRequest, optionsLine, type Summary, type Timing, type ViolationSummary } from "./jobs/check";
export { COMPARE_DESIGNS, DEFAULT_COMPARE, DEFAULT_SWEEP } from "./jobs/compare_defaults";
export type { CompareHooks, CompareOutput, CompareRequest, CompareRow, Cost } from "./jobs/compare";
export type { Crossover, SweepPoint, SweepRequest } from "./jobs/compare_sweep";
export type { DocBlockSpec } from "./jobs/compare_doc_blocks";
export { docBlock, docBlockNames, withDocBlock } from "./doc_markers";
export type { ExhaustiveHooks, ExhaustiveOutput, ExhaustiveRequest } from "./jobs/exhaustive";
export type { Scenario } from "./exhaustive/scenario";
export { scenarioNames } from "./exhaustive/scenario_dir";
export type { ExhaustiveSummary } from "./exhaustive/summary";
export type { SampledRate } from "./exhaustive/sampled_rate";
export { summaryText as exhaustiveSummaryText, violatedInSetup } from "./exhaustive/verdict_text";
export type { CatalogueHooks, MutantRow } from "./jobs/mutants";
export type { ReplayHooks, ReplayOutput } from "./jobs/replay";
export type { ChainCost, PhaseRound, SteppingRow } from "./jobs/stepping";
export type { WindowReach } from "./jobs/windows";
export type { Counterexample } from "./report/counterexample";
export type { FileHeader, FileOptions } from "./report/cx_file";
export { type Format, formatter } from "./report/format";
export { Interrupted } from "./interrupted";
export type { Progress } from "./progress";
export type { SchedulerName } from "./search/explore";
export type { Subject, Variant } from "./subject";
export { catalogue, DEFAULT_SUBJECT, designNames, listing, mutantNames, resolveSubject, resolveVariant, SUBJECTS, subjectNames } from "./variants";
export type { GeneratedScope, Merged, Scope, SweepHooks, SweepOutput, SweepScenario, SweepSummary } from "./sweep";

/** A function of a lazily loaded module: the module loads on the first call. */
function later<M, K extends keyof M>(mod: () => M, name: K): M[K] {
  return ((...args: unknown[]) => (mod()[name] as (...a: unknown[]) => unknown)(...args)) as M[K];
}

const compareJob = lazyModule(() => require("./jobs/compare") as typeof CompareJob);
const compareClaims = lazyModule(() => require("./jobs/compare_claims") as typeof CompareClaims);
const docBlocks = lazyModule(() => require("./jobs/compare_doc_blocks") as typeof CompareDocBlocks);
const exhaustiveJob = lazyModule(() => require("./jobs/exhaustive") as typeof ExhaustiveJob);
const scenarioFiles = lazyModule(() => require("./exhaustive/scenario_files") as typeof ScenarioFiles);
const shardSummary = lazyModule(() => require("./exhaustive/summary") as typeof ShardSummary);
const sampled = lazyModule(() => require("./exhaustive/sampled_rate") as typeof SampledRate);
const mutantsJob = lazyModule(() => require("./jobs/mutants") as typeof MutantsJob);
const cataloguePool = lazyModule(() => require("./jobs/catalogue_pool") as typeof CataloguePool);
const replayJob = lazyModule(() => require("./jobs/replay") as typeof ReplayJob);
const stepping = lazyModule(() => require("./jobs/stepping") as typeof Stepping);
const windows = lazyModule(() => require("./jobs/windows") as typeof Windows);
const cxFile = lazyModule(() => require("./report/cx_file") as typeof CxFile);
const sweepPkg = lazyModule(() => require("./sweep") as typeof Sweep);

export const compare = later(compareJob, "compare");
export const claimLines = later(compareClaims, "claimLines");
export const reclaimCheck = later(compareClaims, "reclaimCheck");
export const zapRootsTrackCheck = later(compareClaims, "zapRootsTrackCheck");
/** DOC_BLOCKS and DOC_BLOCK_PREFIXES of jobs/compare_doc_blocks.ts (data built from --compare's modules). */
export const docBlockSpecs = (): readonly CompareDocBlocks.DocBlockSpec[] => docBlocks().DOC_BLOCKS;
export const docBlockPrefixes = (): readonly string[] => docBlocks().DOC_BLOCK_PREFIXES;
export const findingsCompareTable = later(docBlocks, "findingsCompareTable");
export const freshBlock = later(docBlocks, "freshBlock");
export const exhaustive = later(exhaustiveJob, "exhaustive");
export const exhaustiveOnWorkers = later(exhaustiveJob, "exhaustiveOnWorkers");
export const loadScenario = later(scenarioFiles, "loadScenario");
export const scenarioFromCounterexample = later(scenarioFiles, "scenarioFromCounterexample");
export const scenarioListing = later(scenarioFiles, "scenarioListing");
export const scenariosOf = later(scenarioFiles, "scenariosOf");
export const mergeShards = later(shardSummary, "mergeShards");
export const readShardSummary = later(shardSummary, "readShardSummary");
export const sampledRate = later(sampled, "sampledRate");
export const checkMutant = later(mutantsJob, "checkMutant");
export const fewestPreemptions = later(mutantsJob, "fewestPreemptions");
export const runCatalogue = later(mutantsJob, "runCatalogue");
export const runCatalogueOnWorkers = later(cataloguePool, "runCatalogueOnWorkers");
export const replay = later(replayJob, "replay");
export const benchStepping = later(stepping, "benchStepping");
export const benchPhases = later(stepping, "benchPhases");
export const benchChain = later(stepping, "benchChain");
export const windowNames = later(windows, "windowNames");
export const windowReach = later(windows, "windowReach");
export const serialize = later(cxFile, "serialize");
export const countWithoutReduction = later(sweepPkg, "countWithoutReduction");
export const generateScope = later(sweepPkg, "generateScope");
export const scenarioJson = later(sweepPkg, "scenarioJson");
export const loadScope = later(sweepPkg, "loadScope");
export const mergeFiles = later(sweepPkg, "mergeFiles");
export const scopeNames = later(sweepPkg, "scopeNames");
export const shardCommand = later(sweepPkg, "shardCommand");
export const shardCosts = later(sweepPkg, "shardCosts");
export const sweep = later(sweepPkg, "sweep");
