/** Bad input to the command line itself: printed on one line, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
