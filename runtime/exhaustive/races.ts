/**
 * Race detection after each execution, for the steps past the branch point
 * (earlier ones were analysed when they were new). A race of step k (thread
 * p) is a step i of another thread that conflicts with it, may be co-enabled
 * with it, and does not already happen before p's previous step. (For source
 * sets a spin_unlock of lock L and another thread's spin_lock of L are never
 * co-enabled, one holds L: when they conflict on nothing else they are no
 * race, and the acquires before them are.)
 *
 * Two ways to turn races into backtrack points:
 *
 * source (no bound): source sets, Abdulla, Aronis, Jonsson and Sagonas,
 *   "Optimal dynamic partial order reduction" (POPL 2014), Algorithm 1 with
 *   race detection at the end of an execution: for a race i < k, with v the
 *   steps after i that do not happen after i, then step k, some thread that
 *   can start v (an "initial") must be in node i's backtrack set.
 *
 * bpor (a preemption bound): Flanagan and Godefroid, "Dynamic partial-order
 *   reduction for model checking software" (POPL 2005): for each other
 *   thread v, p goes into the backtrack set of the node before v's latest
 *   race (or, where p cannot run there, every thread the bound allows, and
 *   the earlier races of v, down to the latest where p can); and, as the
 *   bound requires (Coons, Musuvathi and McKinley, "Bounded partial-order
 *   reduction", OOPSLA 2013), conservatively at the last context switch
 *   before the race.
 */
import { lockResource } from "./engine_resources";
import { conflicts, dependent } from "./footprint";
import type { Clock, HappensBefore } from "./happens_before";
import { addBacktrack, type Node } from "./node";
import type { Event } from "./path_scheduler";

function neverCoEnabled(a: Event, b: Event): boolean {
  if (a.lock < 0 || a.lock !== b.lock || a.op === b.op) return false;
  const c = conflicts(a.fp, b.fp);
  return c.length === 1 && c[0] === lockResource(a.lock);
}

/**
 * Thread v's steps racing with step k (not yet pushed), latest first.
 * `coEnabledOnly`: drop the spin_unlock / spin_lock pairs that are never
 * co-enabled (source sets reverse the acquires instead). Under a bound they
 * stay: reversing them starts the other thread where it will block, the way
 * to reach a schedule whose switch back costs no preemption.
 */
function racesOf(hb: HappensBefore, events: readonly Event[], k: number, v: number, prev: Clock, coEnabledOnly: boolean): number[] {
  const e = events[k]!;
  const out: number[] = [];
  const from = prev[v]!;
  for (const r of e.fp.reads) takeAfter(hb, hb.access(r)?.writes[v], from, out);
  for (const r of e.fp.writes) {
    const a = hb.access(r);
    if (a === undefined) continue;
    takeAfter(hb, a.writes[v], from, out);
    takeAfter(hb, a.reads[v], from, out);
  }
  if (out.length === 0) return out;
  out.sort((x, y) => y - x);
  let n = 0;
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if ((i > 0 && d === out[i - 1]) || (coEnabledOnly && neverCoEnabled(e, events[d]!))) continue;
    out[n++] = d;
  }
  out.length = n;
  return out;
}

/** The steps of `list` (ascending) that thread-locally come at or after index `from`. */
function takeAfter(hb: HappensBefore, list: readonly number[] | undefined, from: number, out: number[]): void {
  if (list === undefined) return;
  for (let i = list.length - 1; i >= 0 && hb.local[list[i]!]! >= from; i--) out.push(list[i]!);
}

/** The threads that can start v = (the steps after i that do not happen after i) . step k. */
function initials(hb: HappensBefore, events: readonly Event[], i: number, k: number): number[] {
  const ti = events[i]!.thread;
  const first = new Map<number, number>();
  for (let j = i + 1; j < k; j++) {
    const t = events[j]!.thread;
    if (first.has(t) || hb.before(i, ti, hb.clocks[j]!)) continue;
    first.set(t, j);
  }
  if (!first.has(events[k]!.thread)) first.set(events[k]!.thread, k);
  const out: number[] = [];
  for (const [q, fq] of first) {
    let initial = true;
    for (const [r, fr] of first) if (r !== q && fr < fq && hb.clocks[fq]![r]! > hb.local[fr]!) initial = false;
    if (initial) out.push(q);
  }
  return out.sort((x, y) => x - y);
}

export type RaceRule = "source" | "bpor";

/** Analyse steps from..end of `events`, pushing them onto `hb` (already holding steps 0..from-1). */
export function addRaceBacktracks(hb: HappensBefore, nodes: readonly Node[], events: Event[], from: number, rule: RaceRule, bound: number | null): void {
  hb.truncate(from);
  for (let k = from; k < events.length; k++) {
    blockedRaces(hb, nodes, events, k, rule, bound);
    analyse(hb, nodes, events, k, rule, bound);
  }
  // An abandoned execution's last node (path_scheduler.ts) chose nothing, but its blocked steps still race.
  blockedRaces(hb, nodes, events, events.length, rule, bound);
}

/** The races of step k (events[k], not yet pushed), turned into backtrack points; pushes it. */
function analyse(hb: HappensBefore, nodes: readonly Node[], events: readonly Event[], k: number, rule: RaceRule, bound: number | null): void {
  const p = events[k]!.thread;
  const prev = hb.clockOf(p);
  const races: number[][] = [];
  for (let v = 0; v < hb.threads; v++) if (v !== p) races[v] = racesOf(hb, events, k, v, prev, rule === "source");
  const acquires = rule === "source" ? previousAcquires(hb, events, k, prev) : [];
  const q = hb.lastOf(p);
  hb.push(events[k]!);
  if (rule === "source") source(hb, nodes, events, k, races, acquires);
  else bpor(hb, nodes, p, q, races, bound);
}

/**
 * Blocked steps. A thread that cannot run at node k (a wait on a word, a
 * lock another holds, a grace period) executes nothing there, yet its
 * pending step races with the write that disabled it: reversing the two is
 * the only way to the schedules in which the waiter passes first. A DPOR
 * that analyses only executed events never sees that race (the wait runs
 * later, after the write that re-enables it, and races with that one only).
 * So each blocked step is analysed as an event at the node where it is
 * blocked, exactly as an executed one, then dropped: Flanagan and Godefroid
 * (POPL 2005) examine next(s, p) for every process p, enabled or not; for
 * source sets this is the treatment of disabled events in Abdulla, Aronis,
 * Jonsson and Sagonas, "Source sets: a foundation for optimal dynamic
 * partial order reduction" (JACM 2017), and of `await` in Nidhugg. Its
 * footprint is what the machine reads to find it disabled (the failed read
 * a spinning CPU executes).
 *
 * A blocked step's races change only when a step conflicting with it runs
 * (its thread does not move), so it is analysed where it first blocks and
 * after each such step, not at every node.
 */
function blockedRaces(hb: HappensBefore, nodes: readonly Node[], events: Event[], k: number, rule: RaceRule, bound: number | null): void {
  const n = nodes[k];
  if (n === undefined || n.blocked.length === 0) return;
  const before = k > 0 ? nodes[k - 1]! : undefined;
  const last = k > 0 ? events[k - 1]! : undefined;
  for (const b of n.blocked) {
    const wasBlocked = before?.blocked.some((x) => x.thread === b.thread) ?? false;
    if (wasBlocked && last !== undefined && !dependent(last.fp, b.fp)) continue;
    // b is analysed as step k: in place of the executed step k for the call (analyse reads steps 0..k only), then put back.
    const had = events.length;
    const executed = events[k];
    events[k] = b;
    try {
      analyse(hb, nodes, events, k, rule, bound);
    } finally {
      if (k < had) events[k] = executed!;
      else events.length = had;
      hb.truncate(k);
    }
  }
}

/**
 * A spin_lock's race with the previous acquire of the same lock by another
 * thread, whose critical section lies between them: always analysed, as a
 * race in source-DPOR's sense ("direct") it never is, the section ordering
 * them (Abdulla et al., JACM 2017, lock handling as in Nidhugg).
 */
function previousAcquires(hb: HappensBefore, events: readonly Event[], k: number, prev: Clock): number[] {
  const e = events[k]!;
  if (e.op !== "spin_lock") return [];
  const a = hb.access(lockResource(e.lock));
  const out: number[] = [];
  a?.writes.forEach((list, v) => {
    if (v === e.thread) return;
    for (let i = list.length - 1; i >= 0 && hb.local[list[i]!]! >= prev[v]!; i--) {
      if (events[list[i]!]!.op === "spin_lock") {
        out.push(list[i]!);
        break;
      }
    }
  });
  return out;
}

function source(hb: HappensBefore, nodes: readonly Node[], events: readonly Event[], k: number, races: number[][], acquires: readonly number[]): void {
  // Per thread only its latest race can be direct; a race is direct when it does not happen before another one.
  const latest = races.map((r) => r?.[0]).filter((i): i is number => i !== undefined);
  const direct = latest.filter((i) => !latest.some((d) => d !== i && hb.before(i, events[i]!.thread, hb.clocks[d]!)));
  for (const i of new Set([...direct, ...acquires])) {
    if (i === 0) continue;
    const n = nodes[i]!;
    const I = initials(hb, events, i, k);
    if (I.some((q) => n.done.has(q) || n.todo.has(q))) continue;
    const q = I.find((x) => n.runnable.includes(x) && !n.sleep.has(x)) ?? I[0];
    if (q !== undefined) addBacktrack(n, q, false);
  }
}

/**
 * Bounded POR as published (Coons, Musuvathi and McKinley, OOPSLA 2013,
 * over Flanagan and Godefroid's DPOR), in post-hoc form. Flanagan and
 * Godefroid look, at every state s of the stack, at next(s, p) for every p,
 * and backtrack at the latest step before s that races with it. Step k of p
 * is next(s, p) at every state between p's previous step q and k, and at
 * the state just after a race i with q < i < k, i itself is that latest
 * race: so every race after q gets a backtrack point, not only the latest
 * one of each thread (which is all that unbounded DPOR needs, and all that
 * this code did before). Before q, the latest race of each thread (a superset
 * of the one latest overall that the state just after q needs). At each
 * point: p there if the bound lets p run, else every thread it lets run, and,
 * as the bound requires, the same conservatively at the last context switch
 * before it. Where p cannot run at a point, the earlier races of the same
 * thread are walked back to the latest where it can (beyond the published
 * algorithm, on the safe side).
 */
function bpor(hb: HappensBefore, nodes: readonly Node[], p: number, q: number, races: number[][], bound: number | null): void {
  for (const list of races) {
    // Before q: the latest race, and earlier ones only while p cannot run at the point (the walk-back).
    let walking = true;
    for (const i of list ?? []) {
      if (i === 0 || (i < q && !walking)) break;
      addBacktrack(nodes[i]!, p, false);
      if (bound !== null) {
        const j = hb.blockStart[i - 1]!;
        if (j > 0) addBacktrack(nodes[j]!, p, true);
      }
      if (i < q) walking = !nodes[i]!.inBound.includes(p);
    }
  }
}
