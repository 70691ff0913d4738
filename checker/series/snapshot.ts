/**
 * What a counterexample picture shows at each step (checker/report/html.ts):
 * the implementation's rmap chains and sptes as memory holds them, and the
 * model's view of that memory (the abstraction function). Read without
 * scheduling points, with the model's encodings, like every checker read.
 */
import { decodeSpte, isPresent, PTE_LIST_SPTE_SKIP } from "../../model/encoding";
import type { Snapshot } from "../subject";
import { abstraction } from "./oracle/abstraction";
import { installedSlots, liveSps } from "./oracle/impl_state";
import { readRmap, refOfSptep } from "./oracle/rmap_view";
import type { World } from "./world";

const hex = (v: number): string => `0x${v.toString(16)}`;

function entryName(w: World, e: number): string {
  if (e === PTE_LIST_SPTE_SKIP) return "SKIP";
  try {
    return refOfSptep(w.kvm, e);
  } catch {
    return `${hex(e)} (freed)`;
  }
}

function spteText(v: number): string {
  if (!isPresent(v)) return v === 0 ? "0" : `${hex(v)} (not present)`;
  const s = decodeSpte(v);
  const bits = [s.writable && "W", s.accessed && "A", s.dirty && "D", s.large && "large"].filter(Boolean).join(" ");
  return `pfn ${hex(s.pfn)}${bits ? ` ${bits}` : ""}`;
}

export function seriesSnapshot(w: World): Snapshot {
  const kvm = w.kvm;
  const rmaps: string[] = [];
  for (const si of installedSlots(kvm)) {
    si.heads.forEach((heads, l) =>
      heads.forEach((rmapp, idx) => {
        const v = readRmap(kvm, rmapp);
        if (v.form === "empty") return;
        const name = `rmap ${si.id}:${l + 1}:${idx}${si.invalid ? " (invalid)" : ""}`;
        if (v.form === "direct") rmaps.push(`${name}: ${entryName(w, v.entries[0]!)}`);
        else {
          let k = 0;
          const descs = v.descs.map((d, i) => {
            const n = v.fills[i] ?? 0;
            const cells = v.entries.slice(k, k + n).map((e) => entryName(w, e));
            k += n;
            return `desc ${hex(d)} [${cells.join(", ")}]`;
          });
          rmaps.push(`${name}: ${descs.join(" -> ")}`);
        }
      }),
    );
  }
  const sptes: string[] = [];
  for (const sp of liveSps(kvm)) {
    const cell = (i: number): string => `${sp.id}:${i} = ${spteText(kvm.mem.peek(sp.spt + i * 8))}`;
    const cells = Array.from({ length: kvm.cfg.sptesPerPage }, (_, i) => cell(i));
    const page = `sp${sp.id} (gfn ${hex(sp.gfn)}, level ${sp.level}, gen ${sp.gen}${sp.invalid ? ", zapped" : ""})`;
    sptes.push(`${page}: ${cells.join("; ")}`);
  }
  const a = abstraction(w);
  const model = [
    `mmu_valid_gen ${a.s.gen}; slots ${[...a.s.slots.values()].map((x) => `${x.id} (${x.rmaps})`).join(", ") || "-"}`,
    ...[...a.s.rmaps].map(([k, refs]) => `rmap ${k} = {${[...refs].join(", ")}}`),
    ...[...a.s.sptes].map(([k, x]) => `spte ${k}: pfn ${hex(x.pfn)}${x.writable ? " W" : ""}${x.accessed ? " A" : ""}` +
      `${x.dirty ? " D" : ""}`),
    ...a.errors.map((e) => `${e.invariant}: ${e.detail}`),
  ];
  return { rmaps, sptes, model };
}
