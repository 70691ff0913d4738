/**
 * Coverage counters, kept by watching the implementation's steps through
 * their typed fields (the function, the op, the object kind) and their effect
 * on memory: which pte-list transitions ran, which handler ran through which
 * ops table, at which levels entries were added. Printed, never asserted (CI
 * shows them).
 */
import { RMAP_OPS_INVALID } from "../../../impl/kvm";
import { DESC_TAG } from "../../../model/encoding";
import type { Machine, Observer } from "../../../runtime/machine";
import { WORD_BYTES } from "../../../runtime/memory";
import type { Step } from "../../../runtime/step";
import type { Thread } from "../../../runtime/thread";

type Form = "empty" | "direct" | "descs";

const formOf = (head: number): Form => (head === 0 ? "empty" : head & DESC_TAG ? "descs" : "direct");

export class Coverage implements Observer {
  readonly counts = new Map<string, number>();
  /** The form of the list each thread's running pte_list_add found. */
  private readonly adding = new Map<Thread, Form>();

  bump(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  afterStep(m: Machine, t: Thread, s: Step, result: number, old: number): void {
    if (s.op === "load" && s.kind === "memslot" && s.fn.startsWith("slot_rmap_")) {
      this.bump(`${s.fn} on ${result === RMAP_OPS_INVALID ? "invalid" : "normal"} slot`);
      return;
    }
    if (s.op !== "store" && s.op !== "cmpxchg") return;
    if (s.fn === "pte_list_clear_concurrently") this.bump("pte_list_clear_concurrently resets an entry");
    if (s.op !== "store") return;
    const obj = m.mem.objectAt(s.addr);
    if (obj === undefined) return;
    const isMore = obj.kind === "pte_list_desc" && s.addr - obj.base === (obj.words - 1) * WORD_BYTES;
    switch (s.fn) {
      case "pte_list_add":
        this.onAdd(t, obj.kind, obj.tag2, isMore);
        return;
      case "pte_list_remove":
        if (obj.kind === "rmap") this.bump("pte_list_remove 1->0");
        return;
      case "pte_list_desc_remove_entry":
        if (obj.kind === "rmap") this.bump(s.val & DESC_TAG ? "pte_list_remove unlinks the first desc" : "pte_list_remove many->0");
        else if (isMore) this.bump("pte_list_remove unlinks a non-first desc");
        else if (s.val !== 0 && s.val !== old) this.bump("pte_list_remove back-fills");
        return;
      default:
        return;
    }
  }

  /** A store by pte_list_add, classified by the form of the list it found. */
  private onAdd(t: Thread, kind: string, level: number, isMore: boolean): void {
    const form = this.adding.get(t);
    if (kind === "rmap") {
      this.bump(form === "direct" ? "pte_list_add 1->many" : "pte_list_add 0->1");
      this.bump(`entry added at level ${level}`);
    } else if (isMore) this.bump("pte_list_add chains a 2nd+ desc");
    else if (form === "descs") {
      this.bump("pte_list_add many->many");
      this.bump("entry added to a desc list");
    }
  }

  beforeStep(m: Machine, t: Thread, s: Step): void {
    if (s.fn === "pte_list_add" && s.op === "load" && s.kind === "rmap") this.adding.set(t, formOf(m.mem.peek(s.addr)));
  }

  opStart(): void {}
  opEnd(): void {}

  /** Merge another coverage's counts into this one. */
  add(o: Coverage): void {
    for (const [k, v] of o.counts) this.bump(k, v);
  }

  table(): string {
    const rows = [...this.counts].sort((a, b) => a[0].localeCompare(b[0]));
    const w = Math.max(...rows.map(([k]) => k.length), 10);
    return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
  }
}
