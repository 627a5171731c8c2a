/**
 * What clients did and saw, in the order they did and saw it. A record is known by its value,
 * which the client makes unique per send. Offsets are numbers (exact below 2^53).
 */
export type HistoryEvent =
  SendEvent | AckEvent | SendErrorEvent | ReadEvent | SeekEvent | CommittedEvent;

/** A record handed to a producer. `producer` names a producer whose sends to a partition are ordered. */
export interface SendEvent {
  type: "send";
  value: string;
  topic: string;
  key?: string | null;
  partition?: number;
  producer?: string;
  time: number;
}

/** The broker acknowledged the record at this offset. */
export interface AckEvent {
  type: "ack";
  value: string;
  topic: string;
  partition: number;
  offset: number;
  time: number;
}

/** The send failed: the record may or may not have been written (indeterminate). */
export interface SendErrorEvent {
  type: "error";
  value: string;
  error: string;
  time: number;
}

/** A consumer read the record at this offset. */
export interface ReadEvent {
  type: "read";
  consumer: string;
  topic: string;
  partition: number;
  offset: number;
  key?: string | null;
  value: string;
  time: number;
}

/** The consumer repositioned (assignment, rebalance, seek): its next read of the partition may go back. */
export interface SeekEvent {
  type: "seek";
  consumer: string;
  topic: string;
  partition: number;
  time: number;
}

/** A group's committed offset, as acknowledged by a commit or as answered by an offset fetch. */
export interface CommittedEvent {
  type: "committed";
  group: string;
  topic: string;
  partition: number;
  offset: number;
  source: "commit" | "fetch";
  time: number;
}

type WithoutTime<E> = E extends HistoryEvent ? Omit<E, "time" | "type"> : never;

/** Collects a history as clients run; `time` is milliseconds since the recorder was made. */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  private readonly started = performance.now();

  send(e: WithoutTime<SendEvent>): void {
    this.events.push({ type: "send", ...e, time: this.now() });
  }
  ack(e: WithoutTime<AckEvent>): void {
    this.events.push({ type: "ack", ...e, time: this.now() });
  }
  error(e: WithoutTime<SendErrorEvent>): void {
    this.events.push({ type: "error", ...e, time: this.now() });
  }
  read(e: WithoutTime<ReadEvent>): void {
    this.events.push({ type: "read", ...e, time: this.now() });
  }
  seek(e: WithoutTime<SeekEvent>): void {
    this.events.push({ type: "seek", ...e, time: this.now() });
  }
  committed(e: WithoutTime<CommittedEvent>): void {
    this.events.push({ type: "committed", ...e, time: this.now() });
  }

  /** Milliseconds since the recorder was made: the clock of every event. */
  now(): number {
    return Math.round((performance.now() - this.started) * 1000) / 1000;
  }
}
