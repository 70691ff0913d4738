/**
 * A scenario: what the exhaustive mode explores every schedule of. It is a
 * counterexample file's configuration, set-up and threads without a schedule
 * (and without a design: the request names it), with a name, a sentence
 * saying what it is, and where it comes from. Scenario files are JSON:
 *
 *   { "name": "unmap-direct", "description": "...", "source": "...",
 *     "config": {...}, "setup": [...], "threads": [{ "role": "ioctl", "ops": [...] }, ...] }
 *
 * Malformed files are BadInput with a one-line message. One more rule than a
 * counterexample file: the lock-free unmap of a slot and the end of its
 * DELETE (unmap_invalid_slot, unmap_invalid_rmap, finish_delete_slot) need
 * the DELETE begun in the set-up or earlier in the same thread, because the
 * world keeps the begun DELETE outside simulated memory (docs/exhaustive.md).
 */
import { BadInput } from "../bad_input";
import { readJsonFile } from "../json_file";
import type { OpDesc } from "../operations";
import { checkTraceBody } from "../report/cx_file";
import type { ThreadSpec, Trace } from "../search/trace";
import type { WorldConfig } from "../world";

export interface Scenario {
  name: string;
  description: string;
  /** Where it comes from: a SPIN configuration, a finding, a counterexample file. */
  source?: string;
  config: WorldConfig;
  setup: OpDesc[];
  threads: ThreadSpec[];
}

const NEEDS_BEGUN = new Set<OpDesc["kind"]>(["unmap_invalid_slot", "unmap_invalid_rmap", "finish_delete_slot"]);

/** The DELETE phases' rule (above), as a one-line complaint, or null. */
function phasesProblem(s: Scenario): string | null {
  const begun = new Set<number>();
  for (const op of s.setup) if (op.kind === "begin_delete_slot") begun.add(op.id);
  for (const [i, th] of s.threads.entries()) {
    const mine = new Set(begun);
    for (const [j, op] of th.ops.entries()) {
      if (op.kind === "begin_delete_slot") mine.add(op.id);
      if (NEEDS_BEGUN.has(op.kind) && !mine.has((op as { id: number }).id)) {
        return `threads[${i}].ops[${j}] (${op.kind}) needs begin_delete_slot of slot ${(op as { id: number }).id} in the set-up or before it in the same thread`;
      }
    }
  }
  return null;
}

/** Validate parsed JSON as a scenario; `where` names it in messages. */
export function scenarioOf(raw: unknown, where: string): Scenario {
  const bad = (what: string): never => {
    throw new BadInput(`malformed scenario ${where}: ${what}`);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) bad("not an object");
  const f = raw as Record<string, unknown>;
  if (typeof f.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(f.name)) bad("name must be lower-case letters, digits and dashes");
  if (typeof f.description !== "string" || f.description.length === 0) bad("description must be a sentence");
  if (f.source !== undefined && typeof f.source !== "string") bad("source must be a string");
  checkTraceBody(f, bad);
  const s: Scenario = {
    name: f.name as string,
    description: f.description as string,
    ...(f.source === undefined ? {} : { source: f.source as string }),
    config: f.config as WorldConfig,
    setup: f.setup as OpDesc[],
    threads: f.threads as ThreadSpec[],
  };
  const p = phasesProblem(s);
  if (p !== null) bad(p);
  return s;
}

/** Read and validate a scenario file. */
export function readScenarioFile(path: string): Scenario {
  return scenarioOf(readJsonFile(path, "scenario"), path);
}

/** The scenario as a trace of `design` with no preemptions (what prepareTrace builds). */
export function traceOf(s: Scenario, design: string): Trace {
  return { design, config: s.config, setup: s.setup, threads: s.threads, preemptions: [] };
}
