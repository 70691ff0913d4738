/** What the CLI's main thread and its worker tell each other (plain, cloneable data). */
import type { Progress } from "../checker";

/** A long job, by names: the worker resolves them again (objects do not cross threads). */
export interface JobRequest {
  kind: "check" | "mutants" | "compare" | "exhaustive";
  subject: string;
  design: string | null;
  mutant: string | null;
  seed: number;
  /** --seeds: the first and last seed (a check per seed), or null. */
  seeds: [number, number] | null;
  runs: number;
  sequences: number;
  scheduler: "pct" | "random" | "preemptions";
  depth: number;
  tso: boolean;
  /** --workers: threads for the concurrent runs (check) or the exploration (exhaustive). */
  workers: number;
  json: boolean;
  format: "wide" | "narrow" | "auto";
  /** The terminal's width for the auto format, or null when stdout is not a terminal. */
  columns: number | null;
  /** Absolute, already checked. */
  outDir: string;
  version: string;
  compare: { pages?: number; sizes?: number[]; sptes?: number; vcpus?: number; checkedUpTo?: number; sweep?: null };
  /** --exhaustive: the scenario (a name, or an absolute file path) or the counterexample file to take it from (absolute). */
  exhaustive: {
    scenario: string | null;
    replayFile: string | null;
    /** --subject was given: a replayed file must be of that subject. */
    subjectGiven: boolean;
    preemptions: number | null;
    maxExecutions?: number;
    maxSeconds?: number;
    shard?: { index: number; count: number };
    crossCheck?: { bound: number; maxExecutions?: number };
  };
}

export type WorkerMessage =
  | { type: "progress"; progress: Progress }
  | { type: "line"; line: string }
  | { type: "saved"; file: string }
  | { type: "done"; status: number; stdout: string; interrupted: boolean; summary: string }
  | { type: "bad-input"; message: string }
  | { type: "failed"; message: string };
