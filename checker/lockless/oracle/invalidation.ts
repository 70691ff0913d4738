/**
 * INVALIDATE-MAP, the mmu_notifier invalidation protocol's contract (U5,
 * impl/lockless/mmu_invalidate.ts): between an invalidation's range_start
 * (its gfns zapped, mmu_lock released) and the end of its range_end, the
 * primary MMU may be changing those pages, so no page fault may install a
 * spte for a gfn of the range; a fault that raced with it must retry
 * (mmu_invalidate_retry_gfn, RET_PF_RETRY). Stated on operations, not on
 * the kernel's fields: the window opens at the invalidating thread's first
 * release of mmu_lock (range_start's) and closes at its second (range_end's,
 * after kvm_mmu_invalidate_end), or when its operation ends. The fault's own
 * gfn is what the kernel checks (a huge spte may cover more).
 * kvm_zap_gfn_range (zap_gfn_range) is one invalidation from its first
 * release of mmu_lock (a break of its walk) to its end.
 */
import { hvaRangeToGfns } from "../../../model/lockless/geometry";
import type { LocklessOp } from "../../../model/lockless/operations";
import type { Thread } from "../../../runtime/thread";
import { Violation } from "../../violation";
import type { LocklessWorld } from "../world";

export class InvalidationWindows {
  /** Threads between range_start's unlock and their operation's end: their gfn range. */
  private readonly open = new Map<Thread, { start: number; end: number }>();
  /** Invalidating threads whose window has closed (their range_end released mmu_lock). */
  private readonly closed = new Set<Thread>();

  constructor(private readonly w: LocklessWorld, private readonly count: () => void) {}

  /** Thread t released mmu_lock while running op. */
  onUnlock(t: Thread, op: LocklessOp | undefined): void {
    if (op?.kind === "zap_gfn_range") {
      // kvm_zap_gfn_range: its invalidation spans every break of mmu_lock; its last release ends the operation.
      const r = { start: op.start, end: op.end };
      if (!this.open.has(t)) this.open.set(t, r);
      return;
    }
    if (op?.kind !== "unmap_gfn_range" || this.closed.has(t)) return;
    if (this.open.delete(t)) {
      this.closed.add(t);
      return;
    }
    const r = hvaRangeToGfns(this.w.slot, op.start, op.end);
    if (r) this.open.set(t, r);
  }

  opEnd(t: Thread): void {
    this.open.delete(t);
    this.closed.delete(t);
  }

  /** Thread t, running op, made a non-present spte present. */
  onInstall(t: Thread, op: LocklessOp | undefined): void {
    if (op?.kind !== "page_fault") return;
    this.count();
    for (const [it, r] of this.open) {
      if (it !== t && op.gfn >= r.start && op.gfn < r.end) {
        throw new Violation("INVALIDATE-MAP", `${t.name}'s page fault on gfn ${op.gfn} installs a spte while ${it.name}'s invalidation of gfns [${r.start}, ${r.end}) is between its start and its end`);
      }
    }
  }
}
