package parley.node.room;

import static parley.node.room.RoomState.with;
import static parley.node.room.RoomState.without;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import parley.node.room.RoomState.Overlay;
import parley.protocol.Shortcodes;
import scala.collection.immutable.HashMap;

/**
 * The state an entry makes of a room's state, while {@link RoomState#apply} builds it: one small method a kind of
 * entry, and {@link #after} for what every entry does (the recent entries, the quiet seqs and the mentions). Used on
 * the room's thread, once per entry.
 */
final class NextState {
  private final RoomState from;
  RoomInfo info;
  Set<String> members;
  SendWindow dedupe;
  HashMap<String, Long> lastSent;
  Set<String> closed;
  Set<String> admins;
  Set<String> banned;
  String topic;
  NavigableMap<Long, Overlay> overlays;
  NavigableMap<Long, Map<String, List<String>>> reactions;
  RetentionRule retention;
  long floor;
  /** Who no longer is in the room and is mentioned no more. */
  String gone;

  NextState(RoomState from) {
    this.from = from;
    info = from.info;
    members = from.members;
    dedupe = from.dedupe;
    lastSent = from.lastSent;
    closed = from.closedSenders;
    admins = from.admins;
    banned = from.banned;
    topic = from.topic;
    overlays = from.overlays;
    reactions = from.reactions;
    retention = from.retention;
    floor = from.floorSeq;
  }

  /** In place (see SendWindow). Unique: a resend is answered from the window, never stored. */
  void sent(TimelineEntry.FromClient entry, ChatRoom.Settings settings) {
    if (dedupe == null) {
      dedupe = new SendWindow();
    }
    dedupe.add(entry.sender(), entry.clientMsgId(), entry.seq(), entry.sentAt(), settings.dedupeWindow());
  }

  void left(String user) {
    members = without(members, user);
    admins = without(admins, user);
    gone = user;
  }

  void settings(TimelineEntry.Settings entry, String passcodeHash) {
    info = info.with(info.name(), info.owner(), entry.passcode() == null ? info.passcodeHash() : passcodeHash,
        entry.capacity() == null ? info.capacity() : entry.capacity());
  }

  /** Kicked or banned. */
  void removed(String user) {
    members = without(members, user);
    admins = without(admins, user);
  }

  void role(TimelineEntry.Role entry) {
    String user = entry.user();
    if ("owner".equals(entry.role())) {
      // The owner hands over: the new owner is no admin any more, the old one becomes one.
      admins = with(without(admins, user), info.owner());
      info = info.with(info.name(), user, info.passcodeHash(), info.capacity());
    } else {
      admins = "admin".equals(entry.role()) ? with(admins, user) : without(admins, user);
    }
  }

  /** Nothing before the floor stays in the state (nor in the snapshot taken at this entry): no text, no edit of it. */
  void trimmed(long floorSeq) {
    floor = Math.max(floor, floorSeq);
    if (from.recent != null) {
      from.recent.dropBefore(floor);
    }
    overlays = overlays.isEmpty() ? overlays
        : Collections.unmodifiableNavigableMap(new TreeMap<>(overlays.tailMap(floor, true)));
    reactions = reactions.isEmpty() ? reactions
        : Collections.unmodifiableNavigableMap(new TreeMap<>(reactions.tailMap(floor, true)));
  }

  void reaction(TimelineEntry.Reaction entry) {
    // Reactions stored as a shortcode before they were kept as emoji count as that emoji: one chip, one toggle.
    String emoji = Objects.requireNonNullElse(Shortcodes.canonical(entry.emoji()), entry.emoji());
    TreeMap<Long, Map<String, List<String>>> next = new TreeMap<>(reactions);
    Map<String, List<String>> on = new LinkedHashMap<>(next.getOrDefault(entry.target(), Map.of()));
    List<String> users = new ArrayList<>(on.getOrDefault(emoji, List.of()));
    users.remove(entry.sender());
    if (entry.on()) {
      users.add(entry.sender());
    }
    if (users.isEmpty()) {
      on.remove(emoji);
    } else {
      on.put(emoji, List.copyOf(users));
    }
    if (on.isEmpty()) {
      next.remove(entry.target());
    } else {
      next.put(entry.target(), Collections.unmodifiableMap(on));
    }
    reactions = Collections.unmodifiableNavigableMap(next);
  }

  void edit(TimelineEntry.Edit entry) {
    TreeMap<Long, Overlay> next = new TreeMap<>(overlays);
    Overlay before = overlays.get(entry.target());
    if (before != null && before.deleted()) {
      // An edit stored after its message's delete (never accepted now): blank, and the message stays deleted.
      next.put(entry.seq(), new Overlay(null, null, true, List.of()));
    } else {
      List<Long> edits = new ArrayList<>(before == null ? List.of() : before.edits());
      edits.add(entry.seq());
      next.put(entry.target(), new Overlay(entry.text(), entry.sentAt(), false, List.copyOf(edits)));
    }
    overlays = Collections.unmodifiableNavigableMap(next);
  }

  void delete(TimelineEntry.Delete entry) {
    TreeMap<Long, Overlay> next = new TreeMap<>(overlays);
    Overlay before = overlays.get(entry.target());
    List<Long> edits = before == null ? List.of() : before.edits();
    next.put(entry.target(), new Overlay(null, before == null ? null : before.editedAt(), true, edits));
    for (Long e : edits) {
      next.put(e, new Overlay(null, null, true, List.of()));
    }
    overlays = Collections.unmodifiableNavigableMap(next);
  }

  RoomState after(TimelineEntry entry, ChatRoom.Settings settings) {
    RecentEntries nextRecent = from.recent == null ? new RecentEntries() : from.recent;
    nextRecent.add(entry, settings.recentEntries());
    QuietSeqs nextQuiet = from.quiet == null ? new QuietSeqs() : from.quiet;
    // Joins, leaves, edits, deletes and room changes are no messages a person counts as unread.
    if (!entry.isPost()) {
      nextQuiet.add(entry.seq());
    }
    MentionSeqs nextMentioned = from.mentioned == null ? new MentionSeqs() : from.mentioned;
    if (entry instanceof TimelineEntry.Writing writing) {
      for (String user : writing.mentions()) {
        nextMentioned.add(user, entry.seq());
      }
    }
    if (gone != null) {
      nextMentioned.forget(gone);
    }
    if (entry instanceof TimelineEntry.AboutMember about && !members.contains(about.user())) {
      nextMentioned.forget(about.user());
    }
    return new RoomState(info, entry.seq(), members, nextRecent, dedupe, lastSent, nextQuiet, nextMentioned, closed,
        admins, banned, topic, false, overlays, reactions, retention, floor);
  }
}
