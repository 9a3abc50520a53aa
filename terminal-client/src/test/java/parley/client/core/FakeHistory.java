package parley.client.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import parley.client.net.ApiException;
import parley.protocol.Message;
import parley.protocol.MessagePage;

/**
 * The history reads of {@link FakeServer}, as the node answers them (live/PagingContractTest holds the two to the
 * same answers): pages cut by seq and at the retention floor, and each message on a page showing its latest edit,
 * its deletion and its reactions, as protocol v1.1 says every read after them does.
 */
final class FakeHistory {
  private final Map<String, List<Message>> timelines;
  /** Each room's floor, where its retention trimmed it (1 or none: nothing trimmed). */
  private final Map<String, Long> floors = new HashMap<>();

  FakeHistory(Map<String, List<Message>> timelines) {
    this.timelines = timelines;
  }

  void floor(String room, long floor) {
    floors.put(room, floor);
  }

  private List<Message> of(String room) {
    List<Message> t = timelines.get(room);
    if (t == null) {
      throw new ApiException(404, "no_such_room", "there is no such room");
    }
    return t;
  }

  MessagePage latest(String room, int limit) {
    List<Message> t = of(room);
    int from = Math.max(0, t.size() - limit);
    return page(room, from, t.size(), from > 0);
  }

  MessagePage before(String room, long seq, int limit) {
    List<Message> t = of(room);
    int end = (int) Math.min(t.size(), seq - 1);
    int from = Math.max(0, end - limit);
    return page(room, from, end, from > 0);
  }

  MessagePage after(String room, long seq, int limit) {
    List<Message> t = of(room);
    if (seq > t.size()) {
      throw new ApiException(409, "cursor_ahead", "after=" + seq + " is past this room's last seq " + t.size(),
          (long) t.size());
    }
    int from = (int) Math.max(Math.min(t.size(), seq), floors.getOrDefault(room, 1L) - 1);
    int end = Math.min(t.size(), from + limit);
    MessagePage page = page(room, (int) Math.min(t.size(), seq), end, end < t.size());
    return new MessagePage(page.messages(), end < t.size(), page.trimmed(), page.floorSeq());
  }

  /** A page of entries from index {@code from} to {@code end}, cut at the floor (and said so) if it reaches below. */
  private MessagePage page(String room, int from, int end, boolean more) {
    long floor = floors.getOrDefault(room, 1L);
    int first = (int) Math.max(from, floor - 1);
    boolean cut = from < floor - 1;
    List<Message> t = of(room);
    List<Message> entries = t.subList(Math.min(first, end), end).stream().map(m -> asReadNow(t, m)).toList();
    return new MessagePage(entries, more && !cut, cut ? Boolean.TRUE : null, cut ? floor : null);
  }

  /**
   * {@code m} as a read shows it after every later entry about it: a message with its latest text and editedAt, or
   * deleted with no text, and who reacted with what; an edit of a deleted message without its text.
   */
  private static Message asReadNow(List<Message> timeline, Message m) {
    if (Message.KIND_EDIT.equals(m.kind()) && isDeleted(timeline, m.target())) {
      return with(m, null, m.editedAt(), m.deleted(), m.reactions());
    }
    if (!Message.KIND_MESSAGE.equals(m.kind()) && !Message.KIND_FILE.equals(m.kind())) {
      return m;
    }
    String text = m.text();
    Instant editedAt = null;
    Boolean deleted = null;
    Map<String, List<String>> reactions = new LinkedHashMap<>();
    for (Message later : timeline.subList((int) m.seq(), timeline.size())) {
      if (later.target() == null || later.target() != m.seq()) {
        continue;
      }
      switch (later.kind()) {
        case Message.KIND_EDIT -> {
          text = later.text();
          editedAt = later.sentAt();
        }
        case Message.KIND_DELETE -> deleted = Boolean.TRUE;
        case Message.KIND_REACTION -> {
          List<String> who = reactions.computeIfAbsent(later.emoji(), e -> new ArrayList<>());
          who.remove(later.sender());
          if (Boolean.TRUE.equals(later.on())) {
            who.add(later.sender());
          }
        }
        default -> { }
      }
    }
    reactions.values().removeIf(List::isEmpty);
    if (deleted != null) {
      return with(m, null, null, deleted, reactions.isEmpty() ? null : reactions);
    }
    return with(m, text, editedAt, null, reactions.isEmpty() ? null : reactions);
  }

  private static boolean isDeleted(List<Message> timeline, Long seq) {
    return seq != null && timeline.stream()
        .anyMatch(e -> Message.KIND_DELETE.equals(e.kind()) && seq.equals(e.target()));
  }

  private static Message with(Message m, String text, Instant editedAt, Boolean deleted,
      Map<String, List<String>> reactions) {
    return new Message(m.room(), m.seq(), m.kind(), m.sender(), text, m.sentAt(), m.clientMsgId(), m.mentions(),
        m.senderDeleted(), m.user(), m.role(), m.capacity(), m.passcode(), m.target(), m.replyTo(), editedAt, deleted,
        m.emoji(), m.on(), reactions, m.retention(), m.floorSeq(), m.file());
  }
}
