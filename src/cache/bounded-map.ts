/**
 * A Map that holds at most `capacity` entries. Setting a key makes it the newest; when the map is full, the
 * oldest entry is forgotten first. For the small in-process caches on the hot path (hashed keys, looked-up
 * keys and limits, parsed URLs, per-model tables), which would otherwise grow with whatever callers send.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
    if (!(capacity >= 1)) throw new RangeError(`A BoundedMap needs a capacity of at least 1, not ${capacity}`);
  }

  override set(key: K, value: V): this {
    this.delete(key);
    if (this.size >= this.capacity) {
      const oldest = this.keys().next();
      if (oldest.done !== true) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
