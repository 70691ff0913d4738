/**
 * Simulated word-addressed memory that knows which cells are allocated.
 *
 * Addresses are byte addresses of 8-byte words, so bit 0 of every real
 * pointer is clear (the rmap head encoding relies on that, as in the kernel).
 * Every access names the object kind it expects; an access to a freed,
 * never-allocated or wrongly-typed cell raises a MemoryFault. Freed memory is
 * never reused: DEVIATION from the kernel's allocators, so that every late
 * access to freed memory is detected instead of silently hitting a new object.
 *
 * With a `log` attached (the exhaustive explorer does, around each step),
 * every read and write of a word, every look at an object and every
 * allocation and free is reported, checkers' raw `peek`s included.
 */
import { type AccessLog, ALL_OBJECTS, objectResource, wordResource } from "./access_log";
import { MemoryFault } from "./errors";
import type { ObjKind } from "./step";

export const WORD_BYTES = 8;
/** First word index handed out: small numbers are never valid addresses. */
const FIRST_WORD = 0x200;

export interface MemObject {
  readonly id: number;
  readonly kind: ObjKind;
  /** Byte address of word 0. */
  readonly base: number;
  readonly words: number;
  freed: boolean;
  /** Who the object belongs to (slot/level of an rmap array, sp id of a page, ...). */
  tag: number;
  tag2: number;
}

export class Memory {
  /**
   * Value of each word, at its word index less FIRST_WORD; a guard word holds 0 and belongs to
   * no object. So the arrays have no holes (the exhaustive mode's snapshot restores them without
   * looking for holes) and cost nothing to make (one world is built per sampled run).
   */
  private readonly vals: number[] = [];
  /** Owning object id of each word (0: none), indexed as vals. */
  private readonly owner: number[] = [];
  private readonly objs: MemObject[] = [undefined as unknown as MemObject];
  private next = FIRST_WORD;
  /** Where accesses are reported (null: nowhere). */
  log: AccessLog | null = null;

  /** Every object ever allocated, by id (index 0 is unused). */
  get objects(): readonly MemObject[] {
    this.log?.read(ALL_OBJECTS);
    return this.objs;
  }

  alloc(kind: ObjKind, words: number, tag = 0, tag2 = 0): MemObject {
    this.log?.write(ALL_OBJECTS);
    const id = this.objs.length;
    const base = this.next * WORD_BYTES;
    const at = this.next - FIRST_WORD;
    for (let i = 0; i < words; i++) {
      this.vals[at + i] = 0;
      this.owner[at + i] = id;
    }
    this.vals[at + words] = 0; // one guard word between objects
    this.owner[at + words] = 0;
    this.next += words + 1;
    const obj: MemObject = { id, kind, base, words, freed: false, tag, tag2 };
    this.objs.push(obj);
    return obj;
  }

  /** The object that owns `addr`, or undefined when none ever did. */
  objectAt(addr: number): MemObject | undefined {
    if (addr % WORD_BYTES !== 0 || addr <= 0) return undefined;
    const o = this.owner[addr / WORD_BYTES - FIRST_WORD];
    if (o === undefined || o === 0) return undefined;
    this.log?.read(objectResource(o));
    return this.objs[o];
  }

  /** Word index of a valid access to `addr` inside a live object of `kind`. */
  check(addr: number, kind: ObjKind | null, what: string): number {
    const obj = this.objectAt(addr);
    if (obj === undefined) throw new MemoryFault("unallocated", addr, what);
    if (obj.freed) throw new MemoryFault("use-after-free", addr, `${what} (freed ${obj.kind})`);
    if (kind !== null && obj.kind !== kind) {
      throw new MemoryFault("wrong-object", addr, `${what} (expected ${kind}, found ${obj.kind})`);
    }
    return addr / WORD_BYTES;
  }

  read(addr: number, kind: ObjKind | null, what: string): number {
    const w = this.check(addr, kind, what);
    this.log?.read(wordResource(w));
    return this.vals[w - FIRST_WORD]!;
  }

  write(addr: number, kind: ObjKind | null, val: number, what: string): void {
    const w = this.check(addr, kind, what);
    this.log?.write(wordResource(w));
    this.vals[w - FIRST_WORD] = val;
  }

  /** Raw read with no checks: for checkers and the abstraction, never for kernel code. */
  peek(addr: number): number {
    this.log?.read(wordResource(addr / WORD_BYTES));
    return this.vals[addr / WORD_BYTES - FIRST_WORD] ?? 0;
  }

  free(addr: number, kind: ObjKind, what: string): MemObject {
    const obj = this.objectAt(addr);
    if (obj === undefined || obj.base !== addr) throw new MemoryFault("unallocated", addr, `${what}: not an object`);
    if (obj.freed) throw new MemoryFault("double-free", addr, what);
    if (obj.kind !== kind) throw new MemoryFault("wrong-object", addr, `${what} (expected ${kind}, found ${obj.kind})`);
    this.log?.write(objectResource(obj.id));
    this.log?.write(ALL_OBJECTS);
    obj.freed = true;
    return obj;
  }

  /** Live objects of one kind, in allocation order. */
  live(kind: ObjKind): MemObject[] {
    this.log?.read(ALL_OBJECTS);
    return this.objs.filter((o, i) => i > 0 && o.kind === kind && !o.freed);
  }
}
