/**
 * Host state (a JavaScript array or map that program code keeps outside
 * simulated memory and uses inside its steps) made to report its uses to the
 * memory's access log as one resource, so that the explorer orders the steps
 * that use it (docs/exhaustive.md, "Dependence"). Exhaustive runs only: with
 * no log attached the wrappers cost one property lookup per use.
 */
import type { Memory } from "../memory";

/** An array whose element reads are reads of `resource` and whose changes are writes of it. */
export function loggedArray<T>(list: T[], mem: Memory, resource: number): T[] {
  return new Proxy(list, {
    get(target, prop, receiver) {
      mem.log?.read(resource);
      return Reflect.get(target, prop, receiver);
    },
    set(target, prop, value, receiver) {
      mem.log?.write(resource);
      return Reflect.set(target, prop, value, receiver);
    },
    deleteProperty(target, prop) {
      mem.log?.write(resource);
      return Reflect.deleteProperty(target, prop);
    },
  });
}

/**
 * A map every use of which is a write of `resource`: its values may be arrays
 * changed in place after a lookup, which a proxy of the map cannot see
 * (conservative).
 */
export function loggedMap<K, V>(map: Map<K, V>, mem: Memory, resource: number): Map<K, V> {
  return new Proxy(map, {
    get(target, prop) {
      mem.log?.write(resource);
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
