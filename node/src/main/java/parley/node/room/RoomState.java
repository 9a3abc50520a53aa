package parley.node.room;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import parley.node.CborSerializable;
import scala.collection.immutable.HashMap$;

/**
 * Immutable but for the recent entries and the dedupe window ({@link RecentEntries}, {@link SendWindow}): both are
 * columns written in place, shared by one incarnation's states. Nothing but the room's actor reads a state, and
 * snapshots are taken as a {@link Snapshot} on its thread ({@link ChatRoom#snapshotAdapter}).
 */
public final class RoomState implements CborSerializable {
  final ChatRoom.RoomInfo info;
  final long lastSeq;
  final Set<String> members;
  /**
   * Written in place (see the class comment), like {@link #dedupe}. Null until the first event: the empty state is
   * one object that Pekko starts every incarnation from, a restarted one too, so it must hold nothing that changes.
   */
  final RecentEntries recent;
  /** Written in place, null until the first send (see {@link #recent}). */
  final SendWindow dedupe;
  /** Each member's last message seq: a sender has read up to their own message (so no write per send). */
  final scala.collection.immutable.HashMap<String, Long> lastSent;
  /** Written in place (see {@link #recent}), null until the first event: the seqs of joins and leaves. */
  final QuietSeqs quiet;
  /** Written in place (see {@link #recent}), null until the first event: who each message mentioned (v1.1). */
  final MentionSeqs mentioned;
  /** v1.1: who closed their account; their entries here are marked {@code senderDeleted}. */
  final Set<String> closedSenders;
  /** v1.1, moderation: the admins the owner named (the owner is {@code info.owner()}), and who is banned. */
  final Set<String> admins;
  final Set<String> banned;
  /** v1.1: the room's topic, null for none. */
  final String topic;
  /** v1.1: the owner deleted the room: it answers as no such room, forever (its history is erased). */
  final boolean deleted;
  /**
   * v1.1: what reads show instead of an entry's stored text: a message's latest edit, or that it was deleted (then
   * also each edit entry of it). Copied on change (edits are rare next to messages).
   */
  final java.util.NavigableMap<Long, Overlay> overlays;
  /** v1.1: who reacted with what to each message (seq -> emoji -> users, in order), copied on change. */
  final java.util.NavigableMap<Long, Map<String, List<String>>> reactions;
  /** v1.1: how much history the room keeps (null: all of it). */
  final parley.protocol.Retention retention;
  /** v1.1: the first seq the room still has: its retention removed the entries before it (1: none removed). */
  final long floorSeq;

  /** {@code edits}: the seqs of the edit entries of this message, blanked too when it is deleted. */
  public record Overlay(String text, Instant editedAt, boolean deleted, List<Long> edits) implements CborSerializable {}

  RoomState(
      ChatRoom.RoomInfo info,
      long lastSeq,
      Set<String> members,
      RecentEntries recent,
      SendWindow dedupe,
      scala.collection.immutable.HashMap<String, Long> lastSent,
      QuietSeqs quiet,
      MentionSeqs mentioned,
      Set<String> closedSenders,
      Set<String> admins,
      Set<String> banned,
      String topic,
      boolean deleted,
      java.util.NavigableMap<Long, Overlay> overlays,
      java.util.NavigableMap<Long, Map<String, List<String>>> reactions,
      parley.protocol.Retention retention,
      long floorSeq) {
    this.info = info;
    this.lastSeq = lastSeq;
    this.members = members;
    this.recent = recent;
    this.dedupe = dedupe;
    this.lastSent = lastSent;
    this.quiet = quiet;
    this.mentioned = mentioned;
    this.closedSenders = closedSenders;
    this.admins = admins;
    this.banned = banned;
    this.topic = topic;
    this.deleted = deleted;
    this.overlays = overlays;
    this.reactions = reactions;
    this.retention = retention;
    this.floorSeq = Math.max(1, floorSeq);
  }

  /** v1.1: whether {@code user} has reacted with {@code emoji} to the message at {@code seq}. */
  boolean reacted(long seq, String emoji, String user) {
    Map<String, List<String>> on = reactions.get(seq);
    return on != null && on.getOrDefault(emoji, List.of()).contains(user);
  }

  /** v1.1: the reactions to the messages of seqs {@code from} to {@code to}. */
  Map<Long, Map<String, List<String>>> reactionsIn(long from, long to) {
    return reactions.isEmpty() || from > to ? Map.of() : Map.copyOf(reactions.subMap(from, true, to, true));
  }

  /** v1.1: the overlays of seqs {@code from} to {@code to}. */
  java.util.NavigableMap<Long, Overlay> overlaysIn(long from, long to) {
    return overlays.isEmpty() || from > to ? java.util.Collections.emptyNavigableMap()
        : java.util.Collections.unmodifiableNavigableMap(new java.util.TreeMap<>(overlays.subMap(from, true, to, true)));
  }

  /** v1.1: {@code owner}, {@code admin} or {@code member} (for a member). */
  String roleOf(String user) {
    return user.equals(info.owner()) ? "owner" : admins.contains(user) ? "admin" : "member";
  }

  /** The owner or an admin: may change the room and remove members. */
  boolean canModerate(String user) {
    return isMember(user) && (user.equals(info.owner()) || admins.contains(user));
  }

  static RoomState empty() {
    return new RoomState(null, 0, Set.of(), null, null, HashMap$.MODULE$.empty(), null, null, Set.of(), Set.of(), Set.of(), null, false,
        java.util.Collections.emptyNavigableMap(), java.util.Collections.emptyNavigableMap(), null, 1);
  }

  /**
   * Messages after {@code readSeq} for {@code user}, as a person counts them: not joins and leaves, and not past the
   * user's own last message (which they have read).
   */
  long unread(String user, long readSeq) {
    // What the room's retention removed is nobody's to read.
    long read = Math.min(Math.max(Math.max(readSeq, lastSent.getOrElse(user, () -> 0L)), floorSeq - 1), lastSeq);
    return (lastSeq - read) - (quiet == null ? 0 : quiet.countBetween(read, lastSeq));
  }

  /** v1.1: the messages after {@code readSeq} that mention {@code user} (counted as {@link #unread} counts). */
  long mentions(String user, long readSeq) {
    return mentioned == null ? 0
        : mentioned.countAfter(user, Math.max(Math.max(readSeq, lastSent.getOrElse(user, () -> 0L)), floorSeq - 1));
  }

  boolean exists() {
    return info != null;
  }

  boolean isMember(String user) {
    return members.contains(user);
  }

  /** The seq of the oldest entry in memory; past {@link #lastSeq} when there is none. */
  long oldestRecentSeq() {
    return recent == null || recent.size() == 0 ? lastSeq + 1 : recent.oldestSeq();
  }

  /** The entry at {@code seq} if the room holds it in memory, else null. */
  TimelineEntry recentEntry(long seq) {
    return seq >= oldestRecentSeq() && seq <= lastSeq ? recent.range(seq, seq).get(0) : null;
  }

  /** The earlier send of {@code clientMsgId} by {@code user} still in the dedupe window, or null. */
  Sent sent(String user, String clientMsgId) {
    return dedupe == null ? null : dedupe.find(user, clientMsgId);
  }

  RoomState apply(ChatRoom.Event event, ChatRoom.Settings settings) {
    TimelineEntry entry = event.entry();
    if (event instanceof ChatRoom.RoomDeleted) {
      // Nothing of the room is kept: not its members, not a line of its history.
      return new RoomState(null, entry.seq(), Set.of(), null, null, HashMap$.MODULE$.empty(), null, null, Set.of(),
          Set.of(), Set.of(), null, true, java.util.Collections.emptyNavigableMap(),
          java.util.Collections.emptyNavigableMap(), null, 1);
    }
    if (entry.seq() != lastSeq + 1) {
      throw new IllegalStateException("timeline seq " + entry.seq() + " after " + lastSeq);
    }
    ChatRoom.RoomInfo nextInfo = info;
    Set<String> nextMembers = members;
    SendWindow nextDedupe = dedupe;
    scala.collection.immutable.HashMap<String, Long> nextLastSent = lastSent;
    Set<String> nextClosed = closedSenders;
    Set<String> nextAdmins = admins;
    Set<String> nextBanned = banned;
    String nextTopic = topic;
    java.util.NavigableMap<Long, Overlay> nextOverlays = overlays;
    java.util.NavigableMap<Long, Map<String, List<String>>> nextReactions = reactions;
    parley.protocol.Retention nextRetention = retention;
    long nextFloor = floorSeq;
    if (event instanceof ChatRoom.RoomCreated created) {
      nextInfo = created.info();
      nextMembers = with(members, entry.sender());
    } else if (event instanceof ChatRoom.MemberJoined) {
      nextMembers = with(members, entry.sender());
    } else if (event instanceof ChatRoom.MemberLeft) {
      nextMembers = without(members, entry.sender());
    } else if (event instanceof ChatRoom.AccountClosed) {
      nextMembers = without(members, entry.sender());
      nextClosed = with(closedSenders, entry.sender());
      nextAdmins = without(admins, entry.sender());
    } else if (event instanceof ChatRoom.RoomChanged changed) {
      if (TimelineEntry.RETENTION.equals(entry.kind())) {
        nextRetention = entry.retention() == null || entry.retention().keepsAll() ? null : entry.retention();
      } else if (TimelineEntry.TOPIC.equals(entry.kind())) {
        nextTopic = entry.text() == null || entry.text().isEmpty() ? null : entry.text();
      } else if (TimelineEntry.RENAMED.equals(entry.kind())) {
        nextInfo = info.with(entry.text(), info.owner(), info.passcodeHash(), info.capacity());
      } else {
        nextInfo = info.with(info.name(), info.owner(),
            entry.passcode() == null ? info.passcodeHash() : changed.passcodeHash(),
            entry.capacity() == null ? info.capacity() : entry.capacity());
      }
    } else if (event instanceof ChatRoom.Moderated) {
      String user = entry.user();
      if (TimelineEntry.KICKED.equals(entry.kind()) || TimelineEntry.BANNED.equals(entry.kind())) {
        nextMembers = without(members, user);
        nextAdmins = without(admins, user);
        if (TimelineEntry.BANNED.equals(entry.kind())) {
          nextBanned = with(banned, user);
        }
      } else if (TimelineEntry.UNBANNED.equals(entry.kind())) {
        nextBanned = without(banned, user);
      } else if (TimelineEntry.ROLE.equals(entry.kind())) {
        if ("owner".equals(entry.role())) {
          // The owner hands over: the new owner is no admin any more, the old one becomes one.
          nextAdmins = with(without(admins, user), info.owner());
          nextInfo = info.with(info.name(), user, info.passcodeHash(), info.capacity());
        } else {
          nextAdmins = "admin".equals(entry.role()) ? with(admins, user) : without(admins, user);
        }
      }
    } else if (event instanceof ChatRoom.HistoryTrimmed) {
      // Nothing before the floor stays in the state (nor in the snapshot taken at this entry): no text, no edit of it.
      nextFloor = Math.max(floorSeq, entry.target());
      if (recent != null) {
        recent.dropBefore(nextFloor);
      }
      nextOverlays = overlays.isEmpty() ? overlays
          : java.util.Collections.unmodifiableNavigableMap(new java.util.TreeMap<>(overlays.tailMap(nextFloor, true)));
      nextReactions = reactions.isEmpty() ? reactions
          : java.util.Collections.unmodifiableNavigableMap(new java.util.TreeMap<>(reactions.tailMap(nextFloor, true)));
    } else if (event instanceof ChatRoom.MessagePosted) {
      // In place (see SendWindow). Unique: a resend is answered from the window, never stored.
      if (nextDedupe == null) {
        nextDedupe = new SendWindow();
      }
      nextDedupe.add(entry.sender(), entry.clientMsgId(), entry.seq(), entry.sentAt(), settings.dedupeWindow());
      if (entry.isPost()) {
        nextLastSent = nextLastSent.updated(entry.sender(), entry.seq());
      } else if (TimelineEntry.REACTION.equals(entry.kind()) && entry.target() != null) {
        java.util.TreeMap<Long, Map<String, List<String>>> next = new java.util.TreeMap<>(reactions);
        Map<String, List<String>> on = new java.util.LinkedHashMap<>(next.getOrDefault(entry.target(), Map.of()));
        List<String> users = new ArrayList<>(on.getOrDefault(entry.text(), List.of()));
        users.remove(entry.sender());
        if (Boolean.TRUE.equals(entry.on())) {
          users.add(entry.sender());
        }
        if (users.isEmpty()) {
          on.remove(entry.text());
        } else {
          on.put(entry.text(), List.copyOf(users));
        }
        if (on.isEmpty()) {
          next.remove(entry.target());
        } else {
          next.put(entry.target(), java.util.Collections.unmodifiableMap(on));
        }
        nextReactions = java.util.Collections.unmodifiableNavigableMap(next);
      } else if (entry.target() != null) {
        nextOverlays = new java.util.TreeMap<>(overlays);
        Overlay before = overlays.get(entry.target());
        List<Long> edits = before == null ? List.of() : before.edits();
        if (TimelineEntry.EDIT.equals(entry.kind()) && before != null && before.deleted()) {
          // An edit stored after its message's delete (never accepted now): blank, and the message stays deleted.
          nextOverlays.put(entry.seq(), new Overlay(null, null, true, List.of()));
        } else if (TimelineEntry.EDIT.equals(entry.kind())) {
          List<Long> more = new ArrayList<>(edits);
          more.add(entry.seq());
          nextOverlays.put(entry.target(), new Overlay(entry.text(), entry.sentAt(), false, List.copyOf(more)));
        } else {
          nextOverlays.put(entry.target(), new Overlay(null, before == null ? null : before.editedAt(), true, edits));
          for (Long e : edits) {
            nextOverlays.put(e, new Overlay(null, null, true, List.of()));
          }
        }
        nextOverlays = java.util.Collections.unmodifiableNavigableMap(nextOverlays);
      }
    }
    RecentEntries nextRecent = recent == null ? new RecentEntries() : recent;
    nextRecent.add(entry, settings.recentEntries());
    QuietSeqs nextQuiet = quiet == null ? new QuietSeqs() : quiet;
    // Joins, leaves, edits, deletes and room changes are no messages a person counts as unread.
    if (!(event instanceof ChatRoom.MessagePosted) || !entry.isPost()) {
      nextQuiet.add(entry.seq());
    }
    MentionSeqs nextMentioned = mentioned == null ? new MentionSeqs() : mentioned;
    for (String user : entry.mentions()) {
      nextMentioned.add(user, entry.seq());
    }
    if (event instanceof ChatRoom.MemberLeft || event instanceof ChatRoom.AccountClosed) {
      nextMentioned.forget(entry.sender());
      nextAdmins = without(nextAdmins, entry.sender());
    }
    if (event instanceof ChatRoom.Moderated && !nextMembers.contains(entry.user())) {
      nextMentioned.forget(entry.user());
    }
    return new RoomState(nextInfo, entry.seq(), nextMembers, nextRecent, nextDedupe, nextLastSent, nextQuiet,
        nextMentioned, nextClosed, nextAdmins, nextBanned, nextTopic, false, nextOverlays, nextReactions, nextRetention,
        nextFloor);
  }

  private static Set<String> with(Set<String> set, String user) {
    Set<String> copy = new HashSet<>(set);
    copy.add(user);
    return Set.copyOf(copy);
  }

  private static Set<String> without(Set<String> set, String user) {
    Set<String> copy = new HashSet<>(set);
    copy.remove(user);
    return Set.copyOf(copy);
  }

  static String dedupeKey(String user, String clientMsgId) {
    return user + '\u0000' + clientMsgId;
  }

  @JsonValue
  Snapshot toSnapshot() {
    List<TimelineEntry> recentList = recent == null ? List.of() : recent.all();
    List<Sent> window = dedupe == null ? List.of() : dedupe.sends();
    Map<String, Long> lastSentMap = new HashMap<>();
    lastSent.foreach(pair -> lastSentMap.put(pair._1(), pair._2()));
    return new Snapshot(info, lastSeq, List.copyOf(members), recentList, null, DedupeWindow.of(window), lastSentMap,
        quiet == null ? new long[0] : quiet.deltas(), mentioned == null ? Map.of() : mentioned.toMap(),
        List.copyOf(closedSenders), List.copyOf(admins), List.copyOf(banned), topic, deleted ? Boolean.TRUE : null,
        overlays.isEmpty() ? null : new java.util.TreeMap<>(overlays), reactions.isEmpty() ? null : new java.util.TreeMap<>(reactions),
        retention, floorSeq > 1 ? floorSeq : null);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static RoomState fromSnapshot(Snapshot s) {
    RecentEntries recent = new RecentEntries();
    for (TimelineEntry e : s.recent()) {
      // What the snapshot holds, whole; the next event trims it to the configured count.
      recent.add(e, Integer.MAX_VALUE);
    }
    SendWindow dedupe = new SendWindow();
    List<Sent> window = s.window() != null ? s.window().sends() : s.dedupe() != null ? s.dedupe() : List.of();
    for (Sent e : window) {
      // The window the snapshot holds, whole; the next send trims it to the configured one.
      dedupe.add(e.sender(), e.clientMsgId(), e.seq(), e.sentAt(), Integer.MAX_VALUE);
    }
    scala.collection.immutable.HashMap<String, Long> lastSent = HashMap$.MODULE$.empty();
    if (s.lastSent() != null) {
      for (Map.Entry<String, Long> e : s.lastSent().entrySet()) {
        lastSent = lastSent.updated(e.getKey(), e.getValue());
      }
    }
    QuietSeqs quiet;
    if (s.quietDeltas() != null) {
      quiet = QuietSeqs.fromDeltas(s.quietDeltas());
    } else {
      // A snapshot from before the quiet seqs were kept: the joins and leaves among its recent entries (older ones
      // are counted as messages by an unread count that reaches back that far).
      quiet = new QuietSeqs();
      for (TimelineEntry e : s.recent()) {
        if (!TimelineEntry.MESSAGE.equals(e.kind())) {
          quiet.add(e.seq());
        }
      }
    }
    // A snapshot from before v1.1 has no mentions: they count from the next one on.
    return new RoomState(s.info(), s.lastSeq(), Set.copyOf(s.members()), recent, dedupe, lastSent, quiet,
        MentionSeqs.fromMap(s.mentioned()), s.closedSenders() == null ? Set.of() : Set.copyOf(s.closedSenders()),
        s.admins() == null ? Set.of() : Set.copyOf(s.admins()), s.banned() == null ? Set.of() : Set.copyOf(s.banned()),
        s.topic(), Boolean.TRUE.equals(s.deleted()),
        s.overlays() == null ? java.util.Collections.emptyNavigableMap()
            : java.util.Collections.unmodifiableNavigableMap(new java.util.TreeMap<>(s.overlays())),
        s.reactions() == null ? java.util.Collections.emptyNavigableMap()
            : java.util.Collections.unmodifiableNavigableMap(new java.util.TreeMap<>(s.reactions())),
        s.retention(), s.floorSeq() == null ? 1 : s.floorSeq());
  }

  /** What the dedupe window keeps of a send: enough to answer a resend with the same seq. */
  public record Sent(String sender, String clientMsgId, long seq, Instant sentAt) implements CborSerializable {}

  /**
   * The serialized form of {@link RoomState}. {@code dedupe} is the dedupe window as snapshots before 2026-11-23 wrote
   * it, one object per send (read, never written); {@code window} is the same in columns.
   */
  public record Snapshot(
      ChatRoom.RoomInfo info,
      long lastSeq,
      List<String> members,
      List<TimelineEntry> recent,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<Sent> dedupe,
      DedupeWindow window,
      Map<String, Long> lastSent,
      @JsonInclude(JsonInclude.Include.NON_NULL) long[] quietDeltas,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, long[]> mentioned,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> closedSenders,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> admins,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> banned,
      @JsonInclude(JsonInclude.Include.NON_NULL) String topic,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean deleted,
      @JsonInclude(JsonInclude.Include.NON_NULL) Map<Long, Overlay> overlays,
      @JsonInclude(JsonInclude.Include.NON_NULL) Map<Long, Map<String, List<String>>> reactions,
      @JsonInclude(JsonInclude.Include.NON_NULL) parley.protocol.Retention retention,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long floorSeq)
      implements CborSerializable {

    /** A snapshot as written before v1.1: no mentions, and nothing of what rooms could do since. */
    public Snapshot(ChatRoom.RoomInfo info, long lastSeq, List<String> members, List<TimelineEntry> recent,
        List<Sent> dedupe, DedupeWindow window, Map<String, Long> lastSent, long[] quietDeltas) {
      this(info, lastSeq, members, recent, dedupe, window, lastSent, quietDeltas, null, null, null, null, null, null,
          null, null, null, null);
    }
  }

  /**
   * The dedupe window in columns, oldest send first: each sender once, and per send an index into them, its
   * clientMsgId, and its seq and sentAt (epoch millis) as the difference from the send before, which is small.
   * As one object per send, each carried its field names and an ISO-8601 time, formatted and parsed one by one;
   * here those are numbers in arrays. {@code sentAt} is whole milliseconds (the room's clock is truncated to
   * them), so nothing is lost.
   */
  public record DedupeWindow(
      List<String> senders, int[] sender, List<String> clientMsgIds, long[] seqDelta, long[] sentAtDelta)
      implements CborSerializable {

    public static DedupeWindow of(List<Sent> sends) {
      Map<String, Integer> index = new HashMap<>();
      List<String> senders = new ArrayList<>();
      int n = sends.size();
      int[] sender = new int[n];
      List<String> ids = new ArrayList<>(n);
      long[] seqDelta = new long[n];
      long[] sentAtDelta = new long[n];
      long seq = 0;
      long millis = 0;
      for (int i = 0; i < n; i++) {
        Sent e = sends.get(i);
        sender[i] = index.computeIfAbsent(e.sender(), u -> {
          senders.add(u);
          return senders.size() - 1;
        });
        ids.add(e.clientMsgId());
        seqDelta[i] = e.seq() - seq;
        seq = e.seq();
        long at = e.sentAt().toEpochMilli();
        sentAtDelta[i] = at - millis;
        millis = at;
      }
      return new DedupeWindow(senders, sender, ids, seqDelta, sentAtDelta);
    }

    List<Sent> sends() {
      int n = clientMsgIds.size();
      if (sender.length != n || seqDelta.length != n || sentAtDelta.length != n) {
        throw new IllegalArgumentException("dedupe window columns of different lengths");
      }
      List<Sent> out = new ArrayList<>(n);
      long seq = 0;
      long millis = 0;
      for (int i = 0; i < n; i++) {
        seq += seqDelta[i];
        millis += sentAtDelta[i];
        out.add(new Sent(senders.get(sender[i]), clientMsgIds.get(i), seq, Instant.ofEpochMilli(millis)));
      }
      return out;
    }
  }

  /**
   * Pages by seq; within the in-memory window they are answered here, older ones name a journal range. A page that
   * reaches below the floor (v1.1, retention) starts at it and says so ({@code floorSeq}): never a silent gap.
   */
  ChatRoom.HistoryResult history(Long before, Long after, int limit) {
    long last = lastSeq;
    long from;
    long to;
    boolean hasMore;
    boolean cut;
    if (after != null) {
      if (after > last) {
        return new ChatRoom.CursorAhead(last);
      }
      cut = after + 1 < floorSeq;
      from = Math.max(after + 1, floorSeq);
      // from + limit cannot overflow: from is at most last + 1.
      to = Math.min(last, from + limit - 1);
      hasMore = to < last;
    } else {
      to = before != null ? Math.min(before - 1, last) : last;
      cut = floorSeq > 1 && to - limit + 1 < floorSeq;
      from = Math.max(floorSeq, to - limit + 1);
      hasMore = from > floorSeq;
    }
    Long floor = cut ? floorSeq : null;
    if (from > to) {
      return new ChatRoom.Page(List.of(), hasMore && to >= 1, closedSenders, Map.of(), Map.of(), floor);
    }
    if (from < oldestRecentSeq()) {
      return new ChatRoom.InJournal(from, to, hasMore, closedSenders, overlaysIn(from, to), reactionsIn(from, to),
          floor);
    }
    return new ChatRoom.Page(recent.range(from, to), hasMore, closedSenders, overlaysIn(from, to),
        reactionsIn(from, to), floor);
  }
}
