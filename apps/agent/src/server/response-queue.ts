/**
 * Keeps a connection's responses in request order although handlers finish in any order
 * (Kafka clients pipeline requests and match responses by order as well as correlation id).
 * A slot completed with `null` (acks=0 produce) releases the slot without writing anything.
 */
export class ResponseQueue {
  private readonly slots: { done: boolean; frame: Buffer | null }[] = [];

  constructor(private readonly write: (frame: Buffer) => void) {}

  /** Reserves the next position; the returned function fills it exactly once. */
  reserve(): (frame: Buffer | null) => void {
    const slot = { done: false, frame: null as Buffer | null };
    this.slots.push(slot);
    let filled = false;
    return (frame) => {
      if (filled) return;
      filled = true;
      slot.done = true;
      slot.frame = frame;
      this.drain();
    };
  }

  /** Requests whose responses are not written yet. */
  get pending(): number {
    return this.slots.length;
  }

  private drain(): void {
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const { frame } = this.slots.shift()!;
      if (frame) this.write(frame);
    }
  }
}
