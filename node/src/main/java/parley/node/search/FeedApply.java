package parley.node.search;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.node.search.SearchIndex.StaleOffset;

/**
 * Applies the feed's batches, so that no single event can stop it. A batch the index refuses is applied again one
 * event at a time; an event refused {@link #ATTEMPTS} times in a row is then tried for what it is: the index is asked
 * to store the event's position alone, with a {@link SearchChange.Skipped} record of it. If the index takes that, it
 * is up and refuses this event only (a NUL that PostgreSQL's text cannot hold, a term Lucene cannot index): the event
 * is skipped, and the feed goes on. If it refuses that too, the index is away (the database down, a disk full), the
 * failure is thrown, and the feed starts again from the stored offset after its backoff, skipping nothing. This is
 * what Pekko Projections call retry-and-skip, with the skip decided by the index itself rather than by a count alone.
 */
final class FeedApply {
  private static final Logger LOG = LoggerFactory.getLogger(FeedApply.class);
  /** How often an event is tried before the index is asked whether it is the event or the index. */
  static final int ATTEMPTS = 3;
  private static final int REASON_MAX = 200;

  private FeedApply() {}

  /** Applies {@code events}, read after {@code after} (moved on as they are stored); tells {@code onSkip} of each skip. */
  static IndexPosition apply(SearchIndex index, AtomicLong after, List<EventEnvelope> events,
      Consumer<SearchChange.Skipped> onSkip) throws Exception {
    FeedBatch batch = FeedBatch.of(index, after.get(), events);
    Exception refused = tryApply(index, after, batch);
    if (refused == null) {
      return batch.position();
    }
    LOG.debug("A batch of {} events was refused ({}); applying them one by one", events.size(), reason(refused));
    IndexPosition last = null;
    for (EventEnvelope event : events) {
      last = one(index, after, event, onSkip);
    }
    return last;
  }

  private static IndexPosition one(SearchIndex index, AtomicLong after, EventEnvelope event,
      Consumer<SearchChange.Skipped> onSkip) throws Exception {
    Exception refusal = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      // Built again each time: an edit reads the document its message left, which the index may hold by now.
      FeedBatch batch = FeedBatch.of(index, after.get(), List.of(event));
      refusal = tryApply(index, after, batch);
      if (refusal == null) {
        return batch.position();
      }
    }
    FeedBatch positionOnly = FeedBatch.of(index, after.get(), List.of(event));
    if (positionOnly.changes().isEmpty()) {
      // An event with nothing to index cannot be what the index refuses.
      throw refusal;
    }
    String room = FeedBatch.room(event);
    SearchChange.Skipped skipped = new SearchChange.Skipped(room == null ? "" : room, event.sequenceNr(),
        reason(refusal));
    try {
      index.apply(List.of(skipped), after.get(), positionOnly.position());
    } catch (Exception indexAway) {
      // The index takes nothing at all: not this event's doing. Nothing is skipped; the feed backs off.
      refusal.addSuppressed(indexAway);
      throw refusal;
    }
    after.set(positionOnly.position().offset());
    LOG.warn("Search skipped room {} seq {}: the index refused it {} times ({}) while taking everything else. The "
        + "feed goes on; this entry is not searchable (a deletion, if it was one, did not reach the index) and is "
        + "listed in the index's skipped events (search_skipped on PostgreSQL). Nothing else to do for a message "
        + "PostgreSQL cannot hold (NUL, written before the text rule); for another cause, fix it and run "
        + "`./parley search reindex`.", skipped.room(), skipped.seq(), ATTEMPTS, skipped.reason());
    onSkip.accept(skipped);
    return positionOnly.position();
  }

  /**
   * Applies {@code batch} and moves {@code after} to its offset: null, or what the index refused it with. A moved
   * offset (another feed) is thrown, never retried or skipped here.
   */
  private static Exception tryApply(SearchIndex index, AtomicLong after, FeedBatch batch) throws StaleOffset {
    try {
      index.apply(batch.changes(), after.get(), batch.position());
      after.set(batch.position().offset());
      return null;
    } catch (StaleOffset stale) {
      throw stale;
    } catch (Exception refused) {
      return refused;
    }
  }

  /** The innermost cause, as its class and message: what the index said, cut short. */
  static String reason(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String said = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return said.length() <= REASON_MAX ? said : said.substring(0, REASON_MAX) + "...";
  }
}
