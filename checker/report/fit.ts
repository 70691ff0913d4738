/**
 * Text in at most 80 columns: word wrapping for the narrow counterexample and
 * the summary lines around any counterexample, and the replay command, which
 * is never broken (it must paste).
 */

export const NARROW = 80;

/** `text` word-wrapped to `width` columns: the first line starts with `first`, the others with `indent`. */
export function wrap(first: string, text: string, indent: string, width = NARROW): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (let word of text.split(" ")) {
    if (!empty && line.length + 1 + word.length > width) {
      out.push(line);
      line = indent;
      empty = true;
    }
    // A word longer than a whole line is broken.
    while (line.length + word.length > width) {
      const room = Math.max(1, width - line.length);
      out.push(line + word.slice(0, room));
      word = word.slice(room);
      line = indent;
    }
    line += (empty ? "" : " ") + word;
    empty = false;
  }
  if (!empty) out.push(line);
  return out;
}

/** A summary line in at most 80 columns: wrapped at spaces, the rest indented by two. */
export function fitLine(line: string, width = NARROW): string {
  if (line.length <= width) return line;
  // Never breaks a word: a path or a command longer than a line stays whole.
  const lead = /^ */.exec(line)![0];
  const out: string[] = [];
  let cur = lead;
  for (const word of line.slice(lead.length).split(" ")) {
    if (cur.trim() !== "" && cur.length + 1 + word.length > width) {
      out.push(cur);
      cur = `${lead}  ${word}`;
    } else cur = cur.trim() === "" ? `${cur}${word}` : `${cur} ${word}`;
  }
  out.push(cur);
  return out.join("\n");
}

/** "label value" on one line when it fits, else the value (a path, a command) unbroken on the next. */
export function labelled(label: string, value: string, width = NARROW): string {
  return `${label} ${value}`.length <= width ? `${label} ${value}` : `${label}\n${value}`;
}

/** The replay command unbroken, so that it pastes: on the "replay:" line when it fits, else on its own line. */
export function replayLines(replay: string, width = NARROW): string[] {
  return `replay: ${replay}`.length <= width ? [`replay: ${replay}`] : ["replay:", replay];
}

