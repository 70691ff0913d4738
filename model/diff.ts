/**
 * Differences between two model states, as sentences: how counterexamples
 * show "model says X, implementation has Y".
 */
import type { ModelState, PageFlags, ShadowPage, Slot, Spte } from "./state";

export function spteText(v: Spte | undefined): string {
  if (v === undefined) return "not present";
  const bits = [v.writable && "W", v.accessed && "A", v.dirty && "D", v.hostWritable && "HW", v.mmuWritable && "MW", v.large && "PS"].filter(Boolean);
  return `pfn 0x${v.pfn.toString(16)} ${bits.join("|") || "-"}`;
}

function setText(s: ReadonlySet<string> | undefined): string {
  return s === undefined || s.size === 0 ? "{}" : `{${[...s].sort().join(", ")}}`;
}

function keys<K>(a: ReadonlyMap<K, unknown>, b: ReadonlyMap<K, unknown>): K[] {
  return [...new Set([...a.keys(), ...b.keys()])];
}

/** Equal as spteText shows them (the flags by truth, the pfn by value). */
function sameSpte(a: Spte | undefined, b: Spte | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.pfn === b.pfn &&
    !a.writable === !b.writable &&
    !a.accessed === !b.accessed &&
    !a.dirty === !b.dirty &&
    !a.hostWritable === !b.hostWritable &&
    !a.mmuWritable === !b.mmuWritable &&
    !a.large === !b.large
  );
}

/** Every key of a, and every key of b missing from a, satisfies `same` (undefined for a missing value). */
function sameMaps<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>, same: (x: V | undefined, y: V | undefined) => boolean): boolean {
  for (const [k, x] of a) if (!same(x, b.get(k))) return false;
  for (const [k, y] of b) if (!a.has(k) && !same(undefined, y)) return false;
  return true;
}

/** Equal as setText shows them: absent and empty alike. */
function sameSet(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  const n = a?.size ?? 0;
  if (n !== (b?.size ?? 0)) return false;
  if (n > 0) for (const x of a!) if (!b!.has(x)) return false;
  return true;
}

const NO_FLAGS: PageFlags = { accessed: false, dirty: false };

/**
 * A sufficient test for diffStates' empty answer, without its text: true only when every line
 * diffStates would compare shows the same on both sides (false says nothing: diffStates decides).
 * The common answer at quiescence, so it is tried first.
 */
function surelyEqual(model: ModelState, impl: ModelState): boolean {
  if (model.gen !== impl.gen) return false;
  const sameSlot = (a: Slot | undefined, b: Slot | undefined): boolean =>
    a === b || (a !== undefined && b !== undefined && a.rmaps === b.rmaps && a.baseGfn === b.baseGfn && a.npages === b.npages && a.userspaceAddr === b.userspaceAddr);
  const sameSp = (a: ShadowPage | undefined, b: ShadowPage | undefined): boolean =>
    a === b || (a !== undefined && b !== undefined && a.gfn === b.gfn && a.level === b.level && a.quadrant === b.quadrant && a.gen === b.gen);
  const sameFlags = (a: PageFlags | undefined, b: PageFlags | undefined): boolean => {
    const x = a ?? NO_FLAGS;
    const y = b ?? NO_FLAGS;
    return x.accessed === y.accessed && x.dirty === y.dirty;
  };
  return (
    (model.slots === impl.slots || sameMaps(model.slots, impl.slots, sameSlot)) &&
    (model.sps === impl.sps || sameMaps(model.sps, impl.sps, sameSp)) &&
    sameMaps(model.sptes, impl.sptes, sameSpte) &&
    sameMaps(model.rmaps, impl.rmaps, sameSet) &&
    sameMaps(model.pfns, impl.pfns, sameFlags)
  );
}

/**
 * Each line: "<what>: model <x>, implementation <y>". Empty when equal.
 * A field compared here must be compared by surelyEqual too, or a difference in it could go unreported.
 */
export function diffStates(model: ModelState, impl: ModelState): string[] {
  if (surelyEqual(model, impl)) return [];
  const out: string[] = [];
  if (model.gen !== impl.gen) out.push(`mmu_valid_gen: model ${model.gen}, implementation ${impl.gen}`);
  for (const id of keys(model.slots, impl.slots)) {
    const a = model.slots.get(id);
    const b = impl.slots.get(id);
    const t = (x: typeof a): string => (x ? `${x.rmaps} gfns [0x${x.baseGfn.toString(16)}, +${x.npages}) hva 0x${x.userspaceAddr.toString(16)}` : "absent");
    if (t(a) !== t(b)) out.push(`slot ${id}: model ${t(a)}, implementation ${t(b)}`);
  }
  for (const id of keys(model.sps, impl.sps)) {
    const a = model.sps.get(id);
    const b = impl.sps.get(id);
    const t = (x: typeof a): string => (x ? `gfn 0x${x.gfn.toString(16)} level ${x.level} quadrant ${x.quadrant} gen ${x.gen}` : "absent");
    if (t(a) !== t(b)) out.push(`shadow page sp${id}: model ${t(a)}, implementation ${t(b)}`);
  }
  for (const ref of keys(model.sptes, impl.sptes).sort()) {
    const a = spteText(model.sptes.get(ref));
    const b = spteText(impl.sptes.get(ref));
    if (a !== b) out.push(`spte ${ref}: model ${a}, implementation ${b}`);
  }
  for (const key of keys(model.rmaps, impl.rmaps).sort()) {
    const a = setText(model.rmaps.get(key));
    const b = setText(impl.rmaps.get(key));
    if (a !== b) out.push(`rmap ${key}: model ${a}, implementation ${b}`);
  }
  for (const pfn of keys(model.pfns, impl.pfns).sort((x, y) => x - y)) {
    const a = model.pfns.get(pfn) ?? NO_FLAGS;
    const b = impl.pfns.get(pfn) ?? NO_FLAGS;
    if (a.accessed !== b.accessed || a.dirty !== b.dirty) {
      out.push(`pfn 0x${pfn.toString(16)}: model accessed=${a.accessed} dirty=${a.dirty}, implementation accessed=${b.accessed} dirty=${b.dirty}`);
    }
  }
  return out;
}
