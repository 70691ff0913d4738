/**
 * The state of an execution after its sequential set-up, saved once and
 * restored in place before every later execution, so that the explorer does
 * not re-run the set-up (docs/exhaustive.md, "Re-execution from the
 * snapshot").
 *
 * What is saved: every object reachable from `roots` through own data
 * properties, array elements and Map and Set entries (keys and values),
 * except the objects reachable from `shared` (what every fresh build is
 * handed, such as the variant and the trace: no execution re-creates them,
 * so re-running the set-up would not reset them either). For each object, its
 * property values, elements or entries, in their order.
 *
 * Restored in place, not copied: the threads' operations, the checker's
 * hooks and the program's closures hold references to these objects, and a
 * restore leaves every such reference pointing at an object whose contents
 * are again those saved. Objects an execution creates are dropped with the
 * references to them.
 *
 * Sound, i.e. a restored state cannot be told from a fresh build and set-up
 * by any code that runs next, because:
 *   - the set-up is deterministic (the explorer already relies on it: every
 *     execution replays a prefix and checks it repeats, path_scheduler.ts);
 *   - every object whose contents an execution can change is saved: it is
 *     reachable from the roots (the caller's contract: the machine, its
 *     threads, the checker and the world), and the walk refuses what it
 *     cannot save and restore exactly (take() returns the reason instead):
 *     own accessor properties, proxies of anything but arrays and maps,
 *     objects with internal state other than an array's, a map's or a set's
 *     (generators, typed arrays, dates, weak collections, promises, errors);
 *   - an object's shape cannot change between restores: take() seals every
 *     ordinary object it saves (Object.seal), so an execution that adds or
 *     deletes a property throws a TypeError (an internal error, never a
 *     verdict) instead of leaving the property for the next execution;
 *   - Map and Set contents are restored by clearing and re-inserting in the
 *     saved order, so iteration order is that of the set-up's;
 *   - array holes stay holes (a hole written by an execution is deleted).
 * What the walk cannot see is the variables a closure captures: functions
 * are values here, not walked. The caller must know that the closures
 * reachable from its state keep no state of their own (for the checker's
 * subjects: bound arrow functions over `this` and module functions,
 * checker/exhaustive/program.ts).
 */
import { types } from "node:util";

const OBJECT = 0;
const ARRAY = 1;
const MAP = 2;
const SET = 3;
/** Walked (its values may lead to state) but nothing to restore: frozen. */
const FROZEN = 4;
/** An array behind a proxy (host_state.ts), restored through the proxy. */
const PROXIED_ARRAY = 5;
/** A map behind a proxy (host_state.ts), restored through the proxy. */
const PROXIED_MAP = 6;

type Any = Record<PropertyKey, unknown>;

export class HeapSnapshot {
  private constructor(
    private readonly objs: object[],
    private readonly kinds: number[],
    /** Per object: the keys restored (OBJECT), else null. */
    private readonly keys: Array<PropertyKey[] | null>,
    /** Per object: the values of `keys`, the elements, or the entries (map: key, value, key, value ...). */
    private readonly vals: unknown[][],
    /** Per array: the indices that were holes (null: none). */
    private readonly holes: Array<number[] | null>,
  ) {}

  /** The number of objects saved. */
  get size(): number {
    return this.objs.length;
  }

  /** Save the state reachable from `roots` (not from `shared`), or say why it cannot be saved exactly. */
  static take(roots: readonly object[], shared: readonly object[]): HeapSnapshot | { unsupported: string } {
    const skip = new Set<object>();
    walk(shared, skip, () => null);
    const objs: object[] = [];
    const kinds: number[] = [];
    const keys: Array<PropertyKey[] | null> = [];
    const vals: unknown[][] = [];
    const holes: Array<number[] | null> = [];
    const why = walk(roots, skip, (o) => {
      const r = record(o);
      if (typeof r === "string") return r;
      objs.push(o);
      kinds.push(r.kind);
      keys.push(r.keys);
      vals.push(r.vals);
      holes.push(r.holes);
      return null;
    });
    if (why !== null) return { unsupported: why };
    for (let i = 0; i < objs.length; i++) if (kinds[i] === OBJECT) Object.seal(objs[i]);
    return new HeapSnapshot(objs, kinds, keys, vals, holes);
  }

  /** Put every saved object's contents back as they were when taken. */
  restore(): void {
    const { objs, kinds, keys, vals, holes } = this;
    for (let i = 0; i < objs.length; i++) {
      const v = vals[i]!;
      switch (kinds[i]) {
        case OBJECT: {
          const o = objs[i] as Any;
          const k = keys[i]!;
          for (let j = 0; j < k.length; j++) if (o[k[j]!] !== v[j]) o[k[j]!] = v[j];
          break;
        }
        case ARRAY:
          restoreArray(objs[i] as unknown[], v, holes[i]!);
          break;
        case PROXIED_ARRAY:
          restoreProxiedArray(objs[i] as unknown[], v, holes[i]!);
          break;
        case MAP:
          restoreMap(objs[i] as Map<unknown, unknown>, v);
          break;
        case PROXIED_MAP:
          restoreProxiedMap(objs[i] as Map<unknown, unknown>, v);
          break;
        case SET:
          restoreSet(objs[i] as Set<unknown>, v);
          break;
        default:
          break;
      }
    }
  }
}

function restoreArray(a: unknown[], v: unknown[], holes: number[] | null): void {
  if (a.length !== v.length) a.length = v.length;
  for (let j = 0; j < v.length; j++) if (a[j] !== v[j]) a[j] = v[j];
  if (holes !== null) for (const j of holes) if (j in a) delete a[j];
}

/**
 * The same for an array behind a proxy: a function of its own, so that the element accesses of
 * plain arrays (simulated memory's words) keep V8's fast path instead of sharing one with proxies.
 */
function restoreProxiedArray(a: unknown[], v: unknown[], holes: number[] | null): void {
  if (a.length !== v.length) a.length = v.length;
  for (let j = 0; j < v.length; j++) if (a[j] !== v[j]) a[j] = v[j];
  if (holes !== null) for (const j of holes) if (j in a) delete a[j];
}

/** Entries as saved (keys and values alternating): cleared and re-inserted in order unless they are the same, in the same order. */
function restoreMap(m: Map<unknown, unknown>, v: unknown[]): void {
  if (m.size === v.length >> 1) {
    let j = 0;
    for (const [k, x] of m) {
      if (k !== v[j] || x !== v[j + 1]) break;
      j += 2;
    }
    if (j === v.length) return;
  }
  m.clear();
  for (let j = 0; j < v.length; j += 2) m.set(v[j], v[j + 1]);
}

/** The same through a proxy (host_state.ts), in a function of its own (see restoreProxiedArray). */
function restoreProxiedMap(m: Map<unknown, unknown>, v: unknown[]): void {
  if (m.size === v.length >> 1) {
    let j = 0;
    for (const [k, x] of m) {
      if (k !== v[j] || x !== v[j + 1]) break;
      j += 2;
    }
    if (j === v.length) return;
  }
  m.clear();
  for (let j = 0; j < v.length; j += 2) m.set(v[j], v[j + 1]);
}

function restoreSet(s: Set<unknown>, v: unknown[]): void {
  if (s.size === v.length) {
    let j = 0;
    for (const k of s) {
      if (k !== v[j]) break;
      j++;
    }
    if (j === v.length) return;
  }
  s.clear();
  for (let j = 0; j < v.length; j++) s.add(v[j]);
}

/** Depth first over own data properties, elements and entries; `visit` returns why an object cannot be saved, or null. */
function walk(roots: readonly object[], seen: Set<object>, visit: (o: object) => string | null): string | null {
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const o = stack.pop();
    if (o === null || typeof o !== "object" || seen.has(o)) continue;
    seen.add(o);
    const why = visit(o);
    if (why !== null) return why;
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) stack.push(o[i]);
    } else if (o instanceof Map) {
      for (const [k, v] of o) stack.push(k, v);
    } else if (o instanceof Set) {
      for (const k of o) stack.push(k);
    } else {
      for (const k of Reflect.ownKeys(o)) {
        const d = Object.getOwnPropertyDescriptor(o, k)!;
        if ("value" in d) stack.push(d.value);
      }
    }
  }
  return null;
}

interface Recorded {
  kind: number;
  keys: PropertyKey[] | null;
  vals: unknown[];
  holes: number[] | null;
}

const name = (o: object): string => (o.constructor as { name?: string } | undefined)?.name ?? "an object without a prototype";

/** What restoring `o` needs, or why it cannot be saved exactly. */
function record(o: object): Recorded | string {
  if (types.isProxy(o)) {
    // The exhaustive mode's host-state wrappers (host_state.ts): a proxy of an array or a map, saved through the proxy.
    if (Array.isArray(o)) {
      const r = recordArray(o);
      return typeof r === "string" ? r : { ...r, kind: PROXIED_ARRAY };
    }
    if (o instanceof Map) return { kind: PROXIED_MAP, keys: null, vals: [...o].flat(), holes: null };
    return "a proxy of something other than an array or a map";
  }
  if (Array.isArray(o)) return recordArray(o);
  if (types.isMap(o) || types.isSet(o)) {
    if (Reflect.ownKeys(o).length > 0) return `a ${name(o)} with properties of its own`;
    return types.isMap(o) ? { kind: MAP, keys: null, vals: [...(o as Map<unknown, unknown>)].flat(), holes: null } : { kind: SET, keys: null, vals: [...(o as Set<unknown>)], holes: null };
  }
  if (Object.prototype.toString.call(o) !== "[object Object]" || types.isNativeError(o)) return `${name(o)}, an object with internal state`;
  const keys: PropertyKey[] = [];
  const vals: unknown[] = [];
  for (const k of Reflect.ownKeys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, k)!;
    if (!("value" in d)) return `${name(o)} with an accessor property ${String(k)}`;
    if (!d.writable) continue;
    keys.push(k);
    vals.push(d.value);
  }
  return { kind: keys.length === 0 && Object.isFrozen(o) ? FROZEN : OBJECT, keys, vals, holes: null };
}

function recordArray(a: unknown[]): Recorded | string {
  const holes: number[] = [];
  for (let i = 0; i < a.length; i++) if (!(i in a)) holes.push(i);
  if (Reflect.ownKeys(a).length !== a.length - holes.length + 1) return "an array with properties other than its elements";
  return { kind: ARRAY, keys: null, vals: Array.prototype.slice.call(a), holes: holes.length > 0 ? holes : null };
}
