/**
 * Rows kept in insertion order (the order `MemoryProvider.state()` lists them) with indexes by
 * key, so that finding, adding, replacing and removing a row cost O(rows sharing its key), never
 * O(all rows): what keeps an apply of thousands of workspaces linear. Several rows may share a key
 * (a seeded state may hold duplicates): lookups answer the oldest of them, like a scan would.
 */

interface Slot<T> {
  row: T;
  /** Insertion order: what `ordered` sorts by. */
  readonly sequence: number;
  /** The row's key in each index when it was (re)indexed. */
  keys: Record<string, string>;
}

export class Table<T extends object, I extends string> {
  readonly #slots = new Set<Slot<T>>();
  readonly #slotOf = new Map<T, Slot<T>>();
  readonly #indexes = new Map<I, Map<string, Slot<T>[]>>();
  readonly #keyOf: Record<I, (row: T) => string>;
  #sequence = 0;

  /** `keys` names each index and how a row's key in it is computed. */
  constructor(keys: Record<I, (row: T) => string>) {
    this.#keyOf = keys;
    for (const index of Object.keys(keys) as I[]) this.#indexes.set(index, new Map());
  }

  get size(): number {
    return this.#slots.size;
  }

  /** The rows in insertion order (a replaced row keeps its place). */
  *values(): IterableIterator<T> {
    for (const slot of this.#slots) yield slot.row;
  }

  /** The oldest row with `key` in `index` (and, when given, for which `where` holds). */
  find(index: I, key: string, where?: (row: T) => boolean): T | undefined {
    const slots = this.#indexes.get(index)!.get(key);
    return where ? slots?.find((slot) => where(slot.row))?.row : slots?.[0]?.row;
  }

  /** Every row with `key` in `index`, oldest first. */
  all(index: I, key: string): T[] {
    return (
      this.#indexes
        .get(index)!
        .get(key)
        ?.map((slot) => slot.row) ?? []
    );
  }

  /** `rows` (of this table) in insertion order. */
  ordered(rows: T[]): T[] {
    const sequence = (row: T) => this.#slotOf.get(row)?.sequence ?? 0;
    return rows.sort((a, b) => sequence(a) - sequence(b));
  }

  /** Append a row. */
  add(row: T): void {
    const slot: Slot<T> = { row, sequence: this.#sequence++, keys: {} };
    this.#slots.add(slot);
    this.#slotOf.set(row, slot);
    for (const [index, byKey] of this.#indexes) this.#link(byKey, index, slot);
  }

  /** Put `next` where `current` is (same place in the order); with `next === current`, re-index a row changed in place. */
  replace(current: T, next: T): void {
    const slot = this.#slotOf.get(current);
    if (!slot) throw new Error("Table.replace: the row is not in the table");
    this.#slotOf.delete(current);
    slot.row = next;
    this.#slotOf.set(next, slot);
    for (const [index, byKey] of this.#indexes) {
      if (this.#keyOf[index](next) === slot.keys[index]) continue;
      this.#unlink(byKey, slot.keys[index]!, slot);
      this.#link(byKey, index, slot);
    }
  }

  remove(row: T): void {
    const slot = this.#slotOf.get(row);
    if (!slot) return;
    this.#slots.delete(slot);
    this.#slotOf.delete(row);
    for (const [index, byKey] of this.#indexes) this.#unlink(byKey, slot.keys[index]!, slot);
  }

  #link(byKey: Map<string, Slot<T>[]>, index: I, slot: Slot<T>): void {
    const key = this.#keyOf[index](slot.row);
    slot.keys[index] = key;
    const list = byKey.get(key);
    if (list) list.push(slot);
    else byKey.set(key, [slot]);
  }

  #unlink(byKey: Map<string, Slot<T>[]>, key: string, slot: Slot<T>): void {
    const list = byKey.get(key);
    if (!list) return;
    const at = list.indexOf(slot);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) byKey.delete(key);
  }
}
