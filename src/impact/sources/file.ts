/** A JSON Lines file of recorded events (optionally gzipped) as an event source. */
import { readEvents } from '../../languages/falco/index.js';
import type { EventSink, EventSource, SourceCounts } from './source.js';

export function fileSource(absolute: string, display: string): EventSource {
  return {
    display,
    async read(sink: EventSink): Promise<SourceCounts> {
      const counts = await readEvents(
        absolute,
        display,
        (event) => sink.event(event),
        (bad) => sink.bad(`${display}:${bad.line}`, bad.message),
        () => sink.progress(),
      );
      return { events: counts.events, bad: counts.bad };
    },
  };
}
