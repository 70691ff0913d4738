/**
 * The lockless subject's checker state kept outside simulated memory, as
 * resources of a step's footprint (runtime/exhaustive/footprint.ts), so that
 * the exhaustive explorer orders the steps whose checks read it after the
 * steps that change it (docs/exhaustive.md, "Dependence"). Memory the checks
 * read (every `peek`) is logged by memory itself. What is left:
 *
 *   LOCKS   who holds each rmap lock and which rmap's list holds each desc
 *           (oracle/lock_rules.ts). Written by every write of a head word
 *           (the lock's cmpxchg, the unlock store, a writer's store); read by
 *           a write of a desc word and a free of a desc, whose rules ask who
 *           holds the desc's rmap.
 *   AGING   the open aging calls of every thread (oracle/aging_calls.ts).
 *           Written when an operation starts or ends (a call opens, or is
 *           judged and closed); read by a write of a spte, which removes that
 *           spte from the other calls' sets and may mark them "saw a young
 *           spte". Those updates commute with each other (set removals of
 *           the written spte, an OR), so two spte writes need no order here:
 *           the spte word orders writes of one spte. A write of a TDP MMU
 *           stub word (tdp_mmu_enabled) reads it the same way. Read too by
 *           the step at which an aging call decides whether the TDP gates
 *           may skip its rmap walk (it counts the shadow-page zaps running).
 *   DIRTY   the operations that excuse an unlogged writable spte of their
 *           page (oracle/dirty_log.ts). Written when an operation starts or
 *           ends; read by a write of a spte.
 *   INVAL   the open invalidation windows (oracle/invalidation.ts). Written
 *           when an operation starts or ends and by every release of
 *           mmu_lock (an invalidation's window opens there); read by a
 *           write of a spte.
 *   UNMAP   the open range invalidations' sets of mappings to drop
 *           (oracle/unmap_calls.ts, UNMAP-RANGE). Written when an operation
 *           starts or ends and by the step at which an invalidation first
 *           holds mmu_lock (it fills its set from memory); read by a write of
 *           a spte or of a TDP MMU stub word, which removes the word it made
 *           present from the other calls' sets (removals of the written word
 *           only: they commute, and the word orders writes of itself).
 *   ACTIVE  kvm->arch.active_mmu_pages, a host list (impl/lockless/kvm.ts)
 *           read and changed inside steps by kernel code and read by the
 *           checks; reported by the list itself (hostListsLogged below).
 *
 * Everything else the checker keeps is per thread (the values it last read
 * of each spte, the heads it opened, its preempt count, its store-buffer
 * queue, its pte_list_add count) or compares the mmu_lock holder with the
 * stepping thread only, which no other thread's step changes. The exhaustive
 * mode is sequentially consistent, so no store buffer drains.
 */
import { KIND } from "../../impl/lockless/kvm";
import { programResource, type StepContext } from "../../runtime/exhaustive/engine_resources";
import type { FootprintBuilder } from "../../runtime/exhaustive/footprint";
import { loggedArray } from "../../runtime/exhaustive/host_state";
import { writesWord } from "../../runtime/step";
import type { LocklessWorld } from "./world";

const LOCKS = programResource(0);
const AGING = programResource(1);
const DIRTY = programResource(2);
const ACTIVE = programResource(3);
const INVAL = programResource(4);
const UNMAP = programResource(5);

/**
 * `readsGate(t)`: t's step decided its aging call's TDP gate allowance, reading the running zaps
 * (oracle/aging_calls.ts); `snapshots(t)`: t's step took its invalidation's UNMAP-RANGE snapshot.
 */
export function locklessGhostResources(
  w: LocklessWorld,
  c: StepContext,
  into: FootprintBuilder,
  readsGate: (t: StepContext["thread"]) => boolean = () => false,
  snapshots: (t: StepContext["thread"]) => boolean = () => false,
): void {
  const t = c.thread;
  if (t.opIndex !== c.opBefore || t.done) {
    into.write(AGING);
    into.write(DIRTY);
    into.write(INVAL);
    into.write(UNMAP);
  } else if (readsGate(t)) into.read(AGING);
  if (snapshots(t)) into.write(UNMAP);
  const s = c.step;
  if (s.op === "spin_unlock") into.write(INVAL);
  if (s.op === "free") {
    if (w.kvm.mem.objectAt(s.addr)?.kind === KIND.desc) into.read(LOCKS);
    return;
  }
  if (!writesWord(s.op)) return;
  const kind = w.kvm.mem.objectAt(s.addr)?.kind;
  if (kind === KIND.rmapHead) into.write(LOCKS);
  else if (kind === KIND.desc) into.read(LOCKS);
  else if (kind === KIND.spt) {
    into.read(AGING);
    into.read(DIRTY);
    into.read(INVAL);
    into.read(UNMAP);
  } else if (kind === KIND.tdpSpte) {
    into.read(AGING);
    into.read(UNMAP);
  }
}

/** Make kvm->arch.active_mmu_pages report its uses (resource ACTIVE). Exhaustive runs only. */
export function locklessHostListsLogged(w: LocklessWorld): void {
  const kvm = w.kvm as { active_mmu_pages: number[]; mem: LocklessWorld["kvm"]["mem"] };
  kvm.active_mmu_pages = loggedArray(kvm.active_mmu_pages, kvm.mem, ACTIVE);
}
