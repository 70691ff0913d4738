/**
 * A scenario: what the exhaustive mode explores every schedule of. It is a
 * counterexample file's configuration, set-up and threads without a schedule
 * (and without a design: the request names it), with a name, a sentence
 * saying what it is, and where it comes from. Scenario files are JSON:
 *
 *   { "name": "unmap-direct", "description": "...", "source": "...",
 *     "subject": "series" (optional; the default subject),
 *     "config": {...}, "setup": [...], "threads": [{ "role": "ioctl", "ops": [...] }, ...] }
 *
 * The configuration and operations are validated by the subject's own
 * schemas, as in a counterexample file, and then by the subject's
 * traceProblem (for the 2013 series: the lock-free unmap of a slot needs the
 * slot's DELETE begun before it). Malformed files are BadInput with a
 * one-line message.
 */
import { z } from "zod";
import { BadInput } from "../bad_input";
import { readJsonFile } from "../json_file";
import { validatedFile } from "../subject_file";
import { checkTraceParts, tracePartsSchema } from "../report/cx_file";
import type { Subject, ThreadSpec, Trace } from "../subject";
import { DEFAULT_SUBJECT } from "../variants";

export interface Scenario {
  name: string;
  description: string;
  /** Where it comes from: a SPIN configuration, a finding, a counterexample file. */
  source?: string;
  subject: Subject;
  config: unknown;
  setup: unknown[];
  threads: ThreadSpec[];
}

const scenarioSchema = tracePartsSchema.extend({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lower-case letters, digits and dashes"),
  description: z.string().min(1, "must be a sentence"),
  source: z.string().optional(),
  subject: z.string().optional(),
}).strict();

/** Validate parsed JSON as a scenario; `where` names it in messages. */
export function scenarioOf(raw: unknown, where: string): Scenario {
  const { data: f, subject, bad } = validatedFile(scenarioSchema, raw, "scenario", where);
  checkTraceParts(subject, f, bad, true);
  const s: Scenario = {
    name: f.name,
    description: f.description,
    ...(f.source === undefined ? {} : { source: f.source }),
    subject,
    config: f.config,
    setup: f.setup,
    threads: f.threads,
  };
  const problem = subject.traceProblem?.(traceOf(s, subject.defaultDesign), null) ?? null;
  if (problem !== null) throw new BadInput(`malformed scenario ${where}: ${problem}`);
  return s;
}

/** Read and validate a scenario file. */
export function readScenarioFile(path: string): Scenario {
  return scenarioOf(readJsonFile(path, "scenario"), path);
}

/** The scenario as a trace of `design` with no preemptions. */
export function traceOf(s: Scenario, design: string): Trace {
  return { ...(s.subject === DEFAULT_SUBJECT ? {} : { subject: s.subject.name }), design, config: s.config, setup: s.setup, threads: s.threads, preemptions: [] };
}
