/** Deliveries from window tasks to the one writer, in arrival order. */
export class DeliveryQueue<T extends { written: () => void }> {
  private readonly items: T[] = [];
  private waiter: ((item: T) => void) | undefined;

  push(item: T): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter(item);
    } else {
      this.items.push(item);
    }
  }

  take(): Promise<T> {
    const item = this.items.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** After a failure: lets waiting window tasks run on to their stop check. */
  releaseAll(): void {
    for (const item of this.items.splice(0)) item.written();
  }
}
