/**
 * Imported first by every entry point of the CLI (main.ts, worker.ts), before
 * anything that loads impl/: Node reads a module's source map only if source
 * maps are on when the module loads, and counterexamples name impl/ file:line
 * from stacks (checker/report/step_notes.ts). Under tsx the stacks already
 * point at the .ts sources.
 */
process.setSourceMapsEnabled(true);
