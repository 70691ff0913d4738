/**
 * Generated blocks in docs/: the lines between `<!-- name:begin -->` and
 * `<!-- name:end -->`. The bench writes them (withDocBlock) and the tests read
 * them back (docBlock) to compare with a fresh run of the command that made
 * them, so no number in a generated block can go stale unnoticed. A block
 * whose markers sit on one line with text between them (a figure inside a
 * sentence or a table cell) is an inline block: one line, written back on the
 * same line (withDocBlock with inline = true).
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

/**
 * `text` with block `name` replaced by `lines`; throws if the markers are
 * missing (a doc must place its blocks). `inline`: one line, kept on the
 * markers' line.
 */
export function withDocBlock(text: string, name: string, lines: readonly string[], inline = false): string {
  const a = text.indexOf(begin(name));
  const b = text.indexOf(end(name));
  if (a < 0 || b < a) throw new Error(`the markers ${begin(name)} / ${end(name)} are missing`);
  if (inline && lines.length !== 1) throw new Error(`the inline block ${name} must be one line`);
  const body = inline ? lines[0]! : `\n${lines.join("\n")}\n`;
  return `${text.slice(0, a + begin(name).length)}${body}${text.slice(b)}`;
}

/** The names of every generated block in `text`, in order. */
export function docBlockNames(text: string): string[] {
  return [...text.matchAll(/<!-- ([A-Za-z0-9:._/-]+):begin -->/g)].map((m) => m[1]!);
}
