/**
 * Where recorded events come from: files, Loki, Elasticsearch or OpenSearch. Each source streams
 * its events into a sink one at a time (a page or a chunk in memory, never the whole read) and
 * resolves with its counts once it is through.
 */
import type { RecordedEvent } from '../../languages/falco/index.js';

export interface EventSink {
  /**
   * The only events the consumers use: syscall events of these types. A store may leave the
   * others out of what it transfers (a file is read whole: its lines cost no transfer).
   */
  types?: ReadonlySet<string>;
  event(event: RecordedEvent): void;
  /** An entry that is no event: `where` says which (file and line, or store and entry). */
  bad(where: string, message: string): void;
  /** After each chunk or page: how far the read is, from 0 to 1, when the source can tell. */
  progress(fraction?: number): Promise<void> | void;
}

export interface SourceCounts {
  events: number;
  bad: number;
}

export interface EventSource {
  /** How the report and the messages name the source: a path, or `loki https://host {query}`. */
  readonly display: string;
  /** A store, which transfers only the event types the sink asks for (a file is read whole). */
  readonly store?: boolean;
  /**
   * A store's alerts per rule over its window, counted by the store (an aggregation: nothing
   * transferred but the counts). Files have none.
   */
  countByRule?(): Promise<Map<string, number>>;
  /** Rejects only when the source cannot be read at all (what was read before still counts). */
  read(sink: EventSink): Promise<SourceCounts>;
}
