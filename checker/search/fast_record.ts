/**
 * Generated records in V8's fast mode.
 *
 * fast-check's `fc.record` draws, for every record it makes, whether to give
 * it a null prototype (fast-check 4, `noNullPrototype` unset: about half of
 * them). V8 keeps an object made with `Object.create(null)` as a dictionary,
 * so every read of one of its fields is a hash lookup, and no site that
 * reads such objects gets V8's shape-based fast access. A trace's operations and
 * its configuration (`kvm.cfg`, read by impl/ at nearly every step) are such
 * records.
 *
 * `fastRecord` gives such a record's fast-mode copy: the same keys, in the
 * same order, and the same (null) prototype, set on the copy, which V8 keeps
 * fast. So the copy prints, compares and serialises as the original did, and
 * fast-check, which reads the prototype back when it maps a value to its
 * record form (shrinking from a saved example), sees the same record. Any
 * other object is returned as it is: fast-check knows an `fc.constant` object
 * by identity (Object.is), so a copy of one could no longer be shrunk from an
 * example. Asking fast-check for no null prototypes instead would draw one
 * boolean less per record and change every generated trace.
 */
export function fastRecord<T extends object>(o: T): T {
  return Object.getPrototypeOf(o) === null ? (Object.setPrototypeOf({ ...o }, null) as T) : o;
}
