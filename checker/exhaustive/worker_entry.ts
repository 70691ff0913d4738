/**
 * The module each exhaustive worker thread runs (runtime/exhaustive/
 * parallel.ts): it builds the scenario's program from the data the main
 * thread passes, as the main thread built its own, and serves units.
 */
import { serveUnits } from "../../runtime/exhaustive/worker_loop";
import { resolveVariant } from "../variants";
import { scenarioProgram } from "./program";
import { type Scenario, traceOf } from "./scenario";

/** What the main thread passes each worker. */
export interface WorkerData {
  scenario: Scenario;
  design: string;
  mutant: string | null;
}

serveUnits((data) => {
  const d = data as WorkerData;
  const v = resolveVariant(d.design, d.mutant);
  return scenarioProgram(traceOf(d.scenario, v.design.name), v);
});
