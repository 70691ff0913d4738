/**
 * Whole-state checks: whenever mmu_lock is released (the lock's monitor
 * invariant) and when every thread is done.
 *
 *   RMAP-COMPLETE  present sptes and rmap entries in bijection (spec §3 S1),
 *                  and DESC-SHAPE of every list, from the abstraction; once
 *                  the slot is deleted, no spte and no TDP MMU word maps it
 *                  (its rmaps are freed: nothing could ever zap such a spte)
 *   at quiescence also: INV-LOCK (no thread ends holding mmu_lock),
 *   RMAP-UNLOCKED (no KVM_RMAP_LOCKED left, spec §3 L1), NO-LEAK (every live
 *   desc is on a list)
 */
import { rmapBijection } from "../../../model/lockless/bijection";
import { isLocked } from "../../../model/lockless/encoding";
import { KIND } from "../../../impl/lockless/kvm";
import { Violation } from "../../violation";
import type { LocklessWorld } from "../world";
import { type Abstraction, abstraction } from "./abstraction";
import { decodeChain, rmapHeads } from "./impl_view";

/** RMAP-COMPLETE and DESC-SHAPE over the whole state (of `abs`, when already computed). */
export function checkComplete(w: LocklessWorld, when: string, count: () => void, abs: Abstraction = abstraction(w)): void {
  count();
  if (abs.errors.length > 0) throw new Violation(abs.errors[0]!.invariant, `${abs.errors[0]!.detail} (${when})`);
  if (abs.s.deleted) {
    const ref = abs.s.sptes.keys().next().value;
    const gfn = abs.s.tdp.keys().next().value;
    const mapped = ref !== undefined ? `spte ${ref}` : gfn !== undefined ? `the TDP MMU's spte of gfn ${gfn}` : undefined;
    if (mapped !== undefined) throw new Violation("RMAP-COMPLETE", `${mapped} is present, but the slot it maps is deleted (its rmaps freed: nothing can zap it) (${when})`);
  }
  const bij = rmapBijection(abs.s);
  if (bij.length > 0) throw new Violation("RMAP-COMPLETE", `${bij[0]} (${when})`, bij);
}

export function checkQuiescence(w: LocklessWorld, count: () => void, abs?: Abstraction): void {
  count();
  const held = w.machine.heldLocks();
  if (held.length > 0) throw new Violation("INV-LOCK", `${held[0]![1].name} ended holding mmu_lock`);
  const kvm = w.kvm;
  const listed = new Set<number>();
  for (const h of rmapHeads(kvm)) {
    const val = kvm.mem.peek(h.addr);
    if (isLocked(val)) throw new Violation("RMAP-UNLOCKED", `rmap ${h.level}:${h.index} is still locked (0x${val.toString(16)}) when every thread is done`);
    for (const d of decodeChain(kvm, val).descs) listed.add(d);
  }
  checkComplete(w, "at quiescence", count, abs);
  const leaked = kvm.mem.live(KIND.desc).find((o) => !listed.has(o.base));
  if (leaked) throw new Violation("NO-LEAK", `desc 0x${leaked.base.toString(16)} is allocated but on no rmap's list`);
}
