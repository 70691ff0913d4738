/**
 * pte_list_add's return value (spec §1.2) as a function of the list's layout
 * before the add: the fill count of each desc in chain order (or "direct" /
 * "empty"). The intent is "entries before the add"; the kernel does not count
 * the entries of a full desc at which its walk stops. This is the one place
 * the model looks at layout: the count is defined by it.
 */
export type Layout = { form: "empty" } | { form: "direct" } | { form: "descs"; fills: readonly number[] };

export function pteListAddCount(layout: Layout, EXT: number): number {
  if (layout.form === "empty") return 0;
  if (layout.form === "direct") return 1;
  let count = 0;
  let i = 0;
  while (layout.fills[i] === EXT && i + 1 < layout.fills.length) {
    i++;
    count += EXT;
  }
  // A full last desc: the new entry goes into a fresh desc; the full one's entries are not counted.
  if (layout.fills[i] === EXT) return count;
  return count + layout.fills[i]!;
}
