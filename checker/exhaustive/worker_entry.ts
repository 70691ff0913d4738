/**
 * The module each exhaustive worker thread runs (runtime/exhaustive/
 * parallel.ts): it builds the scenario's program from the data the main
 * thread passes (plain data: names and the trace), as the main thread built
 * its own, and serves units.
 */
import { serveUnits } from "../../runtime/exhaustive/worker_loop";
import type { Trace } from "../subject";
import { resolveSubject, resolveVariant } from "../variants";
import { scenarioProgram } from "./program";

/** What the main thread passes each worker. */
export interface WorkerData {
  subject: string;
  design: string;
  mutant: string | null;
  trace: Trace;
  /** x86-TSO store buffers. */
  tso: boolean;
  rerunSetup: boolean;
}

serveUnits((data) => {
  const d = data as WorkerData;
  const v = resolveVariant(d.design, d.mutant, resolveSubject(d.subject));
  return scenarioProgram(d.trace, v, { rerunSetup: d.rerunSetup, tso: d.tso });
});
