/**
 * Generated blocks in docs/: the lines between `<!-- name:begin -->` and
 * `<!-- name:end -->`. The bench writes them (withDocBlock) and the tests read
 * them back (docBlock) to compare with a fresh run of the command that made
 * them, so no number in a generated block can go stale unnoticed.
 */
const begin = (name: string): string => `<!-- ${name}:begin -->`;
const end = (name: string): string => `<!-- ${name}:end -->`;

/** The lines of block `name` in `text`, or null when the markers are missing or out of order. */
export function docBlock(text: string, name: string): string[] | null {
  const a = text.indexOf(begin(name));
  const b = text.indexOf(end(name));
  if (a < 0 || b < a) return null;
  const body = text.slice(a + begin(name).length, b);
  return body.replace(/^\n/, "").replace(/\n$/, "").split("\n");
}

/** `text` with block `name` replaced by `lines`; throws if the markers are missing (a doc must place its blocks). */
export function withDocBlock(text: string, name: string, lines: readonly string[]): string {
  const a = text.indexOf(begin(name));
  const b = text.indexOf(end(name));
  if (a < 0 || b < a) throw new Error(`the markers ${begin(name)} / ${end(name)} are missing`);
  return `${text.slice(0, a + begin(name).length)}\n${lines.join("\n")}\n${text.slice(b)}`;
}

/** The names of every generated block in `text`, in order. */
export function docBlockNames(text: string): string[] {
  return [...text.matchAll(/<!-- ([a-z0-9:._-]+):begin -->/g)].map((m) => m[1]!);
}
