/**
 * Reading the implementation's rmap memory for checkers, without scheduling
 * points and without side effects. A malformed structure is reported, never
 * followed blindly: every pointer is checked against the memory's object table.
 */
import type { Kvm } from "../../../impl/kvm";
import { DESC_TAG, PTE_LIST_SPTE_SKIP } from "../../../model/encoding";
import { WORD_BYTES } from "../../../runtime/memory";
import type { Finding } from "../../violation";

export interface RmapView {
  form: "empty" | "direct" | "descs";
  /** Entry values in chain order (SKIP included), with their cell addresses. */
  entries: number[];
  cells: number[];
  /** Desc addresses in chain order. */
  descs: number[];
  /** Non-NULL entries per desc. */
  fills: number[];
  /** Structural problems found. */
  errors: Finding[];
}

export function readRmap(kvm: Kvm, rmapp: number): RmapView {
  const mem = kvm.mem;
  const EXT = kvm.cfg.PTE_LIST_EXT;
  const v: RmapView = { form: "empty", entries: [], cells: [], descs: [], fills: [], errors: [] };
  const head = mem.peek(rmapp);
  if (head === 0) return v;
  if (!(head & DESC_TAG)) {
    v.form = "direct";
    v.entries.push(head);
    v.cells.push(rmapp);
    checkEntry(kvm, head, rmapp, v);
    return v;
  }
  v.form = "descs";
  let desc = head - DESC_TAG;
  const seen = new Set<number>();
  while (desc !== 0) {
    const obj = mem.objectAt(desc);
    if (obj === undefined || obj.kind !== "pte_list_desc" || obj.base !== desc) {
      v.errors.push({ invariant: "DESC-CHAIN", detail: `rmap 0x${rmapp.toString(16)} links 0x${desc.toString(16)}, which is not a desc` });
      return v;
    }
    if (obj.freed) {
      v.errors.push({ invariant: "DESC-CHAIN", detail: `rmap 0x${rmapp.toString(16)} links freed desc 0x${desc.toString(16)}` });
      return v;
    }
    if (seen.has(desc)) {
      v.errors.push({ invariant: "DESC-CHAIN", detail: `rmap 0x${rmapp.toString(16)} has a cycle at desc 0x${desc.toString(16)}` });
      return v;
    }
    seen.add(desc);
    v.descs.push(desc);
    let fill = 0;
    let hole = false;
    for (let i = 0; i < EXT; i++) {
      const cell = desc + i * WORD_BYTES;
      const e = mem.peek(cell);
      if (e === 0) {
        hole = true;
        continue;
      }
      if (hole) v.errors.push({ invariant: "DESC-PACKED", detail: `desc 0x${desc.toString(16)} has sptes[${i}] after a NULL entry` });
      fill++;
      v.entries.push(e);
      v.cells.push(cell);
      checkEntry(kvm, e, cell, v);
    }
    if (fill === 0 || mem.peek(desc) === 0) v.errors.push({ invariant: "DESC-NONEMPTY", detail: `desc 0x${desc.toString(16)} is linked with sptes[0] == NULL` });
    v.fills.push(fill);
    desc = mem.peek(desc + EXT * WORD_BYTES);
  }
  return v;
}

function checkEntry(kvm: Kvm, e: number, cell: number, v: RmapView): void {
  if (e === PTE_LIST_SPTE_SKIP) return;
  const obj = kvm.mem.objectAt(e);
  if (obj === undefined || obj.kind !== "spt") {
    v.errors.push({ invariant: "HEAD-WF", detail: `entry at 0x${cell.toString(16)} is 0x${(e >>> 0).toString(16)}, not a spte address` });
  }
}

/** SpteRef of a spte address, e.g. "3:1" (shadow page 3, index 1). */
export function refOfSptep(kvm: Kvm, sptep: number): string {
  const obj = kvm.mem.objectAt(sptep);
  if (obj === undefined || obj.kind !== "spt") return `?0x${(sptep >>> 0).toString(16)}`;
  return `${obj.tag}:${(sptep - obj.base) / WORD_BYTES}`;
}
