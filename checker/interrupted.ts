/**
 * Thrown out of a run when the caller's `interrupted` hook says stop (the CLI
 * sets it on SIGINT or SIGTERM). A job that catches it reports no verdict:
 * "interrupted", never a pass.
 */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
  constructor() {
    super("interrupted");
  }
}
