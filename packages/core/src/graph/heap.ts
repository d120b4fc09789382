/** The binary heaps of the graph's orderings and the walk's ready queues. */

/** A min-heap of distinct small integers (ranks) with a fixed capacity. */
export class RankHeap {
  readonly #items: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.#items = new Int32Array(capacity);
  }

  push(rank: number): void {
    const items = this.#items;
    let index = this.size++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent]! <= rank) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = rank;
  }

  /** The smallest rank; the heap must not be empty. */
  pop(): number {
    const items = this.#items;
    const top = items[0]!;
    const size = --this.size;
    if (size > 0) {
      const last = items[size]!;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[index] = items[child]!;
        index = child;
      }
      items[index] = last;
    }
    return top;
  }
}

/** A small binary heap; `compare(a, b) < 0` puts `a` first. */
export class MinHeap<T> {
  readonly #items: T[] = [];
  constructor(readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    const items = this.#items;
    let index = items.length;
    items.push(item);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.compare(item, items[parent]!) >= 0) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = item;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  pop(): T | undefined {
    const items = this.#items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    const size = items.length;
    if (size > 0) {
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && this.compare(items[right]!, items[left]!) < 0 ? right : left;
        if (this.compare(items[child]!, last) >= 0) break;
        items[index] = items[child]!;
        index = child;
      }
      items[index] = last;
    }
    return top;
  }
}
