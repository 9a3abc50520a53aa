package parley.node.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Sequence;
import parley.node.room.ChatRoom;
import parley.node.room.TimelineEntry;

/**
 * Turns a run of room events, in the journal's order, into the changes they make to the index and the position
 * they bring it to. An edit rewrites the document as the index (or this batch, before it is stored) holds it; one
 * whose message is gone (deleted, below the floor, never indexed) changes nothing.
 */
final class FeedBatch {
  private static final String ROOM_PREFIX = ChatRoom.ENTITY_KEY.name() + "|";

  private final SearchIndex index;
  private final List<SearchChange> changes = new ArrayList<>();
  /** What this batch put, by id, for its own later edits, deletes and floors. */
  private final Map<String, SearchDocument> put = new HashMap<>();
  /** What this batch took away before storing it: deleted ids, each room's floor, deleted rooms (floor MAX). */
  private final Set<String> removed = new HashSet<>();
  private final Map<String, Long> floors = new HashMap<>();
  private final Map<String, Long> through = new HashMap<>();
  private long offset;

  private FeedBatch(SearchIndex index, long after) {
    this.index = index;
    this.offset = after;
  }

  /** The changes and position of {@code events}, read after offset {@code after}. */
  static FeedBatch of(SearchIndex index, long after, List<EventEnvelope> events) throws IOException {
    FeedBatch batch = new FeedBatch(index, after);
    for (EventEnvelope event : events) {
      batch.add(event);
    }
    return batch;
  }

  List<SearchChange> changes() {
    return changes;
  }

  IndexPosition position() {
    return new IndexPosition(offset, through);
  }

  /** The room an event of the feed came from, or null for an event that is not a room's. */
  static String room(EventEnvelope envelope) {
    return envelope.persistenceId().startsWith(ROOM_PREFIX)
        ? envelope.persistenceId().substring(ROOM_PREFIX.length()) : null;
  }

  private void add(EventEnvelope envelope) throws IOException {
    if (envelope.offset() instanceof Sequence sequence) {
      offset = Math.max(offset, sequence.value());
    }
    if (!envelope.persistenceId().startsWith(ROOM_PREFIX) || !(envelope.event() instanceof ChatRoom.Event event)) {
      return;
    }
    String room = envelope.persistenceId().substring(ROOM_PREFIX.length());
    through.merge(room, envelope.sequenceNr(), Math::max);
    TimelineEntry entry = event.entry();
    if (entry instanceof TimelineEntry.Message m) {
      put(new SearchDocument(room, m.seq(), m.sender(), m.sentAt(), m.text(), null, m.mentions()));
    } else if (entry instanceof TimelineEntry.File f) {
      put(new SearchDocument(room, f.seq(), f.sender(), f.sentAt(), f.text(), f.file() == null ? "" : f.file().name(),
          List.of()));
    } else if (entry instanceof TimelineEntry.Edit e) {
      String id = room + ":" + e.target();
      boolean gone = removed.contains(id) || e.target() < floors.getOrDefault(room, 0L);
      SearchDocument before = gone ? null : put.containsKey(id) ? put.get(id) : index.document(room, e.target());
      if (before != null) {
        put(before.withText(e.text()));
      }
    } else if (entry instanceof TimelineEntry.Delete d) {
      put.remove(room + ":" + d.target());
      removed.add(room + ":" + d.target());
      changes.add(new SearchChange.Remove(room, d.target()));
    } else if (entry instanceof TimelineEntry.Trimmed t) {
      put.values().removeIf(doc -> doc.room().equals(room) && doc.seq() < t.floorSeq());
      floors.merge(room, t.floorSeq(), Math::max);
      changes.add(new SearchChange.RemoveBelow(room, t.floorSeq()));
    } else if (entry instanceof TimelineEntry.RoomDeleted) {
      put.values().removeIf(doc -> doc.room().equals(room));
      floors.put(room, Long.MAX_VALUE);
      changes.add(new SearchChange.RemoveRoom(room));
    }
    // Joins, leaves, moderation, settings, reactions: no one's words (who may read a room is asked at search). A
    // closed account's messages stay, as they stay in history: closing one has no erasure to follow.
  }

  private void put(SearchDocument document) {
    put.put(document.id(), document);
    changes.add(new SearchChange.Put(document));
  }
}
