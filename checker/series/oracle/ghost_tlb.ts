/**
 * A ghost TLB per vCPU, for INV-TLB (model/invariants.ts; spec §5 M12's
 * "optional ghost TLB").
 *
 * Filled by the CPU's page walk (an or_if step on a spte): a walk that went
 * through caches the spte's value after the walk, as a TLB entry of the
 * walking thread. Emptied by kvm_flush_remote_tlbs and kvm_reload_remote_mmus
 * (wait_regions steps: both wait for every vCPU to leave guest mode, and a
 * reloaded vCPU starts from a flushed TLB), and when the last vCPU has exited
 * (kvm_destroy_vm's wait_joined).
 *
 * A write that makes a present spte less permissive than a translation cached
 * from its old value (not present, another pfn, W cleared, or A cleared by
 * clear_bit(ACCESSED) where the MMU has A bits: the CPU would not set A again
 * through the cached entry) is recorded against the writing thread's operation, with the value written
 * and when. When that operation ends, and when the thread releases mmu_lock
 * after narrowing under it, no TLB may still hold an entry filled before that
 * write that allows more than the value written. (An entry filled
 * later is some later writer's business: its own flush is still to come.) The
 * kernel's rule is the same: every path that narrows a spte flushes before it
 * returns (set_spte, mmu_set_spte, kvm_set_pte_rmapp, the notifiers,
 * kvm_mmu_commit_zap_page, get_dirty_log, kvm_mmu_get_page's write-protect),
 * except the lock-free invalid-rmap unmap, which relies on INV-OBSOLETE: the
 * pages it clears were made unreachable by a kvm_reload_remote_mmus before.
 *
 * D is not tracked: a spte rewritten without D (a fault on a mapped page)
 * has had its D moved to the page (INV-AD), and the kernel does not flush for it.
 * A is tracked only where clearing it is the point, aging's clear_bit (the
 * clear_flush_young contract): an update that loses an A bit the CPU set after
 * the writer's load (mmu_spte_update, write-protecting an aged spte) moves it
 * to the page with kvm_set_pfn_accessed (INV-AD), and mmu.c flushes only for
 * a lost W ("Whenever we overwrite a writable spte with a read-only one we
 * should flush remote TLBs", v3.10 mmu_spte_update).
 */
import type { Kvm } from "../../../impl/kvm";
import { isPresent, PFN_SHIFT, SPTE_BITS } from "../../../model/encoding";
import type { Machine, Observer } from "../../../runtime/machine";
import { type Step, writesWord } from "../../../runtime/step";
import type { Thread } from "../../../runtime/thread";
import { Violation } from "../../violation";
import { refOfSptep } from "./rmap_view";

const writable = (v: number): boolean => (v & SPTE_BITS.writable) !== 0;

/** A write that narrowed a spte: the value written, when, and whether clearing A counts (clear_bit). */
interface Narrowing {
  value: number;
  at: number;
  clearsA: boolean;
}

export class GhostTlb implements Observer {
  /** vCPU thread -> spte address -> the spte value its TLB entry was filled from, and the step. */
  private readonly tlbs = new Map<Thread, Map<number, { value: number; at: number }>>();
  /** thread -> spte address -> the value its current operation last narrowed it to, and the step. */
  private readonly narrowed = new Map<Thread, Map<number, Narrowing>>();
  /** The narrowings a thread made while holding mmu_lock, since it took it. */
  private readonly underLock = new Map<Thread, Array<Narrowing & { addr: number }>>();

  /**
   * Steps seen, the order of fills and narrowings (the machine's step index restarts at 0 after a
   * trace's set-up, so it would order an entry cached in the set-up after every later write).
   */
  private now = 0;

  constructor(private readonly kvm: Kvm) {}

  /** Would a translation cached from spte `cached` allow more than spte `now`? A counts only when `clearsA`. */
  private stale(cached: number, now: number, clearsA: boolean): boolean {
    if (!isPresent(now) || now >>> PFN_SHIFT !== cached >>> PFN_SHIFT) return true;
    if (writable(cached) && !writable(now)) return true;
    const A = clearsA && this.kvm.cfg.adBits ? SPTE_BITS.accessed : 0;
    return (cached & A) !== 0 && !(now & A);
  }

  afterStep(m: Machine, t: Thread, s: Step, result: number, old: number): void {
    this.now++;
    switch (s.op) {
      case "or_if": {
        // The walk went through iff the spte had the bits it required (present, and writable for a write).
        if (s.kind === "spt" && (result & s.cmp) === s.cmp) {
          let tlb = this.tlbs.get(t);
          if (!tlb) this.tlbs.set(t, (tlb = new Map()));
          tlb.set(s.addr, { value: this.kvm.mem.peek(s.addr), at: this.now });
        }
        return;
      }
      case "wait_regions":
      case "wait_joined":
        this.tlbs.clear();
        return;
      case "spin_lock":
        this.underLock.set(t, []);
        return;
      case "spin_unlock":
        this.atUnlock(t);
        return;
      default:
        // (A store drained from an x86-TSO store buffer carries no kind.)
        if (!writesWord(s.op) || Number.isNaN(old) || !isPresent(old)) return;
        if ((s.kind ?? this.kvm.mem.objectAt(s.addr)?.kind) !== "spt") return;
        const now = this.kvm.mem.peek(s.addr);
        const clearsA = s.op === "lock_and";
        if (!this.stale(old, now, clearsA)) return;
        let mine = this.narrowed.get(t);
        if (!mine) this.narrowed.set(t, (mine = new Map()));
        const w: Narrowing = { value: now, at: this.now, clearsA };
        mine.set(s.addr, w);
        if (m.holder() === t) this.underLock.get(t)?.push({ addr: s.addr, ...w });
    }
  }

  /** A TLB entry filled before a narrowing at `at` to `value` that allows more than `value`, and whose it is. */
  private staleEntry(addr: number, w: Narrowing): { vcpu: Thread; cached: number } | null {
    for (const [vcpu, tlb] of this.tlbs) {
      const cached = tlb.get(addr);
      if (cached !== undefined && cached.at <= w.at && this.stale(cached.value, w.value, w.clearsA)) return { vcpu, cached: cached.value };
    }
    return null;
  }

  /**
   * INV-TLB when t releases mmu_lock: what it narrowed under the lock is in no TLB any more (the
   * kernel flushes before a lock-break, or zaps only what no vCPU can reach, as 3.11's obsolete pages).
   */
  private atUnlock(t: Thread): void {
    const mine = this.underLock.get(t);
    this.underLock.delete(t);
    for (const w of mine ?? []) {
      const hit = this.staleEntry(w.addr, w);
      if (hit === null) continue;
      const ref = refOfSptep(this.kvm, w.addr);
      throw new Violation("INV-TLB", `${t.name} narrowed spte ${ref} and released mmu_lock without kvm_flush_remote_tlbs: ${hit.vcpu.name}'s TLB still maps it`, [
        `spte ${ref}: cached 0x${hit.cached.toString(16)}, written 0x${w.value.toString(16)}`,
      ]);
    }
  }

  opStart(): void {}

  /** The owner calls endOperation with the operation's text (runSolo reports no operation ends). */
  opEnd(): void {}

  /**
   * INV-TLB when t's operation `what` ends: no translation older than one of its narrowings allows more.
   * `what` may be a function: the text is then made only for a violation (most operations end clean).
   */
  endOperation(t: Thread, what: string | (() => string)): void {
    const mine = this.narrowed.get(t);
    this.narrowed.delete(t);
    if (!mine) return;
    for (const [addr, written] of mine) {
      const hit = this.staleEntry(addr, written);
      if (hit === null) continue;
      const ref = refOfSptep(this.kvm, addr);
      throw new Violation("INV-TLB", `${typeof what === "string" ? what : what()} narrowed spte ${ref} and returned without kvm_flush_remote_tlbs: ${hit.vcpu.name}'s TLB still maps it`, [
        `spte ${ref}: cached 0x${hit.cached.toString(16)}, written 0x${written.value.toString(16)}`,
      ]);
    }
  }
}
