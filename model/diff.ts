/**
 * Differences between two model states, as sentences: how counterexamples
 * show "model says X, implementation has Y".
 */
import type { ModelState, Spte } from "./state";

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

/** Each line: "<what>: model <x>, implementation <y>". Empty when equal. */
export function diffStates(model: ModelState, impl: ModelState): string[] {
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
    const a = model.pfns.get(pfn) ?? { accessed: false, dirty: false };
    const b = impl.pfns.get(pfn) ?? { accessed: false, dirty: false };
    if (a.accessed !== b.accessed || a.dirty !== b.dirty) {
      out.push(`pfn 0x${pfn.toString(16)}: model accessed=${a.accessed} dirty=${a.dirty}, implementation accessed=${b.accessed} dirty=${b.dirty}`);
    }
  }
  return out;
}
