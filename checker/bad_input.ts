/**
 * Input the checker cannot use: an unknown design or mutant name, a
 * malformed or diverging counterexample file. The CLI prints the message on
 * one line and exits 2.
 */
export class BadInput extends Error {
  override readonly name = "BadInput";
}
