/**
 * State the step checker keeps outside simulated memory, as resources of a
 * step's footprint (runtime/exhaustive/footprint.ts), so that the explorer
 * orders the steps whose checks read it after the steps that change it. Each
 * entry says what the checker reads and which steps change it
 * (docs/exhaustive.md, "Dependence"):
 *
 *   SLOTS    the slot tracker's installed and invalid slots (oracle/
 *            slot_tracker.ts), which rmap, spte and free rules consult. Written
 *            by a write of kvm->memslots or of a slot's ops or flags; read by
 *            every step that writes or frees anything.
 *   LINKS    which rmap each desc hangs off (SlotTracker.rmapOfDesc). Written
 *            by a write of an rmap head or of a desc's `more`; read by a write
 *            of a desc entry.
 *   TLB      the ghost TLBs (oracle/ghost_tlb.ts). Emptied by wait_regions
 *            and wait_joined (written); checked when an operation ends and
 *            when a thread releases mmu_lock (read). A page walk fills only
 *            its own vCPU's entry, and its order against a narrowing write is
 *            that of the spte word.
 *   GEN      the newest generation an operation that returned installed
 *            (oracle/rules/generation.ts, INV-GEN-ZAPPED): read and written
 *            when an operation ends. The pages it then looks at are read
 *            through memory and the active list (logged anyway).
 *   SRCU     step indices the free rules compare (a desc free checks that no
 *            SRCU reader began before the slot's uninstall). Written by
 *            srcu_read_lock / _unlock and by a write of kvm->memslots or of a
 *            slot's ops; read by a free of a desc.
 *   ENTRIES  which rmap cells name which spte, for INV-SP-LIVE when a shadow
 *            page is freed. Here that check reads every rmap through memory
 *            (logged anyway); an index of the cells kept by the checker would
 *            not be, so: written by every write of an rmap head or desc cell
 *            and every free of a desc, read by every free of a page's spt.
 *   ACTIVE   kvm->arch.active_mmu_pages, mmu_page_hash and 3.11's
 *            zapped_obsolete_pages, host lists (impl/kvm.ts), read without a
 *            step by the page walker's lookup, kvm_mmu_get_page, the zaps and
 *            the checker's list of live shadow pages (oracle/rmap_checks.ts).
 *            Reported by the lists themselves (hostListsLogged below).
 *   DIRTY    the valid rmaps written in the current mmu_lock critical section
 *            (oracle/rules/rmap_writes.ts): added to by a write of an rmap
 *            cell, checked and emptied by the release of mmu_lock. Both
 *            happen only in the mmu_lock holder (INV-LOCK is checked before
 *            the add; only lock 0's release empties it), so the lock already
 *            orders them whatever other locks exist; declared all the same,
 *            so that independence does not rest on that argument.
 *   NOTIFY   the open MMU-notifier calls (oracle/notifier_calls.ts, INV-UNMAP,
 *            INV-AGE): written by the step at which such a call begins or
 *            ends (it reads the ghost sptes and the slots then: SLOTS is read
 *            too); read by every write of a spte and every change of the
 *            installed slots, which take sptes out of the calls' sets or mark
 *            them "saw an accessed spte". Those updates commute (removals, an
 *            OR), so such steps need no order among themselves here.
 *
 * Everything else the checker keeps is per thread (what an operation owes the
 * host page, what it narrowed, whether its cmpxchg won), per spte word
 * (the model's spte, ordered by the word), commutes (the host pages' A/D
 * flags, OR-ed), or compares the mmu_lock holder with the stepping thread
 * only, which no other thread's step changes.
 */
import { KVM, MEMSLOT } from "../../impl/kvm";
import { WORD_BYTES } from "../../runtime/memory";
import { programResource, type StepContext } from "../../runtime/exhaustive/engine_resources";
import type { FootprintBuilder } from "../../runtime/exhaustive/footprint";
import { loggedArray, loggedMap } from "../../runtime/exhaustive/host_state";
import { writesWord } from "../../runtime/step";
import { isNotifierOp } from "./oracle/notifier_calls";
import type { TraceOperation } from "./oracle/step_checker";
import type { World } from "./world";

const SLOTS = programResource(0);
const LINKS = programResource(1);
const TLB = programResource(2);
const SRCU = programResource(3);
const ACTIVE = programResource(4);
const ENTRIES = programResource(5);
const GEN = programResource(6);
const DIRTY = programResource(7);
const NOTIFY = programResource(8);

/** Does the step that ended thread t's operation `before` begin or end an MMU-notifier call? */
function notifierBoundary(t: StepContext["thread"], before: number): boolean {
  const desc = (i: number) => (t.ops[i] as TraceOperation | undefined)?.desc;
  return isNotifierOp(desc(before)) || (!t.done && isNotifierOp(desc(t.opIndex)));
}

export function ghostResources(w: World, c: StepContext, into: FootprintBuilder): void {
  const s = c.step;
  const kvm = w.kvm;
  const t = c.thread;
  if (t.opIndex !== c.opBefore || t.done) {
    into.read(TLB);
    into.write(GEN);
    if (notifierBoundary(t, c.opBefore)) {
      into.write(NOTIFY);
      into.read(SLOTS);
    }
  }
  switch (s.op) {
    case "spin_unlock":
      into.read(TLB);
      if (s.addr === 0) into.write(DIRTY);
      return;
    case "wait_regions":
    case "wait_joined":
      into.write(TLB);
      return;
    case "srcu_read_lock":
    case "srcu_read_unlock":
      into.write(SRCU);
      return;
    case "free": {
      into.read(SLOTS);
      const kind = kvm.mem.objectAt(s.addr)?.kind;
      if (kind === "pte_list_desc") {
        into.read(SRCU);
        into.write(ENTRIES);
      } else if (kind === "spt") into.read(ENTRIES);
      return;
    }
    case "alloc":
      into.read(SLOTS);
      return;
    default:
      break;
  }
  if (!writesWord(s.op)) return;
  into.read(SLOTS);
  const obj = kvm.mem.objectAt(s.addr);
  if (obj === undefined) return;
  if (obj.kind === "spt") into.read(NOTIFY);
  const off = (s.addr - obj.base) / WORD_BYTES;
  if ((obj.kind === "kvm" && s.addr === kvm.field(KVM.memslots)) || (obj.kind === "memslot" && (off === MEMSLOT.ops || off === MEMSLOT.flags))) {
    into.write(SLOTS);
    into.write(SRCU);
    into.read(NOTIFY);
  } else if (obj.kind === "rmap" || (obj.kind === "pte_list_desc" && off === kvm.cfg.PTE_LIST_EXT)) {
    into.write(LINKS);
    into.write(ENTRIES);
    into.write(DIRTY);
  } else if (obj.kind === "pte_list_desc") {
    into.read(LINKS);
    into.write(ENTRIES);
    into.write(DIRTY);
  }
}

/**
 * Make kvm->arch.active_mmu_pages, zapped_obsolete_pages and mmu_page_hash report their readers and
 * writers to the memory's access log (resource ACTIVE): they are host state
 * that kernel code reads and changes inside steps. Exhaustive runs only.
 */
export function hostListsLogged(w: World): void {
  const kvm = w.kvm as { active_mmu_pages: number[]; zapped_obsolete_pages: number[]; mmu_page_hash: Map<number, number[]>; mem: World["kvm"]["mem"] };
  kvm.active_mmu_pages = loggedArray(kvm.active_mmu_pages, kvm.mem, ACTIVE);
  kvm.zapped_obsolete_pages = loggedArray(kvm.zapped_obsolete_pages, kvm.mem, ACTIVE);
  kvm.mmu_page_hash = loggedMap(kvm.mmu_page_hash, kvm.mem, ACTIVE);
}
