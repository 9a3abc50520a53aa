package parley.node.room;

import static parley.node.room.ChatRoom.KIND_ROOM;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import parley.node.CborSerializable;
import scala.collection.immutable.HashMap$;

/**
 * Immutable but for the recent entries and the dedupe window ({@link RecentEntries}, {@link SendWindow}): both are
 * columns written in place, shared by one incarnation's states. Nothing but the room's actor reads a state, and
 * snapshots are taken as a {@link Snapshot} on its thread ({@link ChatRoom#snapshotAdapter}).
 *
 * <p>Long because every kind of entry moves the room's facts its own way and they are applied here, in one place,
 * from live commands and from replay alike (one small method a kind, in {@link NextState}); the columns have their own
 * classes.
 */
public final class RoomState implements CborSerializable {
  final RoomInfo info;
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
  /** Written in place (see {@link #recent}), null until the first event: who each message mentioned. */
  final MentionSeqs mentioned;
  /** Who closed their account; their entries here are marked {@code senderDeleted}. */
  final Set<String> closedSenders;
  /** Moderation: the admins the owner named (the owner is {@code info.owner()}), and who is banned. */
  final Set<String> admins;
  final Set<String> banned;
  /** The room's topic, null for none. */
  final String topic;
  /** The owner deleted the room: it answers as no such room, forever (its history is erased). */
  final boolean deleted;
  /**
   * What reads show instead of an entry's stored text: a message's latest edit, or that it was deleted (then
   * also each edit entry of it). Copied on change (edits are rare next to messages).
   */
  final NavigableMap<Long, Overlay> overlays;
  /** Who reacted with what to each message (seq -> emoji -> users, in order), copied on change. */
  final NavigableMap<Long, Map<String, List<String>>> reactions;
  /** How much history the room keeps (null: all of it). */
  final RetentionRule retention;
  /** The first seq the room still has: its retention removed the entries before it (1: none removed). */
  final long floorSeq;

  /** {@code edits}: the seqs of the edit entries of this message, blanked too when it is deleted. */
  public record Overlay(String text, Instant editedAt, boolean deleted, List<Long> edits) implements CborSerializable {}

  RoomState(
      RoomInfo info,
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
      NavigableMap<Long, Overlay> overlays,
      NavigableMap<Long, Map<String, List<String>>> reactions,
      RetentionRule retention,
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

  /** Whether {@code user} has reacted with {@code emoji} to the message at {@code seq}. */
  boolean reacted(long seq, String emoji, String user) {
    Map<String, List<String>> on = reactions.get(seq);
    return on != null && on.getOrDefault(emoji, List.of()).contains(user);
  }

  /** The reactions to the messages of seqs {@code from} to {@code to}. */
  Map<Long, Map<String, List<String>>> reactionsIn(long from, long to) {
    return reactions.isEmpty() || from > to ? Map.of() : Map.copyOf(reactions.subMap(from, true, to, true));
  }

  /** The overlays of seqs {@code from} to {@code to}. */
  NavigableMap<Long, Overlay> overlaysIn(long from, long to) {
    return overlays.isEmpty() || from > to ? Collections.emptyNavigableMap()
        : Collections.unmodifiableNavigableMap(new TreeMap<>(overlays.subMap(from, true, to, true)));
  }

  /** {@code owner}, {@code admin} or {@code member} (for a member). */
  String roleOf(String user) {
    return user.equals(info.owner()) ? "owner" : admins.contains(user) ? "admin" : "member";
  }

  /** The owner or an admin: may change the room and remove members. */
  boolean canModerate(String user) {
    return isMember(user) && (user.equals(info.owner()) || admins.contains(user));
  }

  /**
   * May make invitations and invite links: the owner or an admin of a room (not of a DM), or any member of a room
   * that lets members invite.
   */
  boolean mayInvite(String user) {
    return ChatRoom.KIND_ROOM.equals(info.kind()) && (canModerate(user) || (isMember(user) && info.membersMayInvite()));
  }

  static RoomState empty() {
    return new RoomState(null, 0, Set.of(), null, null, HashMap$.MODULE$.empty(), null, null, Set.of(), Set.of(), Set.of(), null, false,
        Collections.emptyNavigableMap(), Collections.emptyNavigableMap(), null, 1);
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

  /** The messages after {@code readSeq} that mention {@code user} (counted as {@link #unread} counts). */
  long mentions(String user, long readSeq) {
    return mentioned == null ? 0
        : mentioned.countAfter(user, Math.max(Math.max(readSeq, lastSent.getOrElse(user, () -> 0L)), floorSeq - 1));
  }

  /**
   * Of the messages after {@code readSeq} the room holds in memory, how many {@code ignoring} sent ([0]) and how many
   * of those mention {@code user} ([1]): what {@link #unread} and {@link #mentions} take off for one who blocks them.
   */
  long[] fromIgnored(String user, long readSeq, Set<String> ignoring) {
    long[] counts = new long[2];
    if (ignoring.isEmpty() || recent == null) {
      return counts;
    }
    long read = Math.max(Math.max(readSeq, lastSent.getOrElse(user, () -> 0L)), floorSeq - 1);
    for (TimelineEntry entry : recent.range(Math.max(read + 1, oldestRecentSeq()), lastSeq)) {
      if (entry.isPost() && ignoring.contains(entry.sender())) {
        counts[0]++;
        if (entry instanceof TimelineEntry.Writing w && w.mentions().contains(user)) {
          counts[1]++;
        }
      }
    }
    return counts;
  }

  /** Open: created, and not deleted. */
  boolean exists() {
    return info != null;
  }

  /** Nothing stored yet: only a create makes the room. */
  boolean none() {
    return info == null && !deleted;
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
    if (entry instanceof TimelineEntry.RoomDeleted) {
      // Nothing of the room is kept: not its members, not a line of its history.
      return new RoomState(null, entry.seq(), Set.of(), null, null, HashMap$.MODULE$.empty(), null, null, Set.of(),
          Set.of(), Set.of(), null, true, Collections.emptyNavigableMap(), Collections.emptyNavigableMap(), null, 1);
    }
    if (entry.seq() != lastSeq + 1) {
      throw new IllegalStateException("timeline seq " + entry.seq() + " after " + lastSeq);
    }
    NextState next = new NextState(this);
    if (event instanceof ChatRoom.RoomCreated created) {
      next.info = created.info();
    }
    if (entry instanceof TimelineEntry.FromClient sent) {
      next.sent(sent, settings);
    }
    if (entry instanceof TimelineEntry.Joined joined) {
      next.members = with(members, joined.sender());
      next.info = next.info.withInvited(joined.sender(), false);
    } else if (entry instanceof TimelineEntry.Left left) {
      next.left(left.sender());
    } else if (entry instanceof TimelineEntry.AccountClosed closed) {
      if (KIND_ROOM.equals(info.kind()) && closed.sender().equals(info.owner()) && heirOf(closed.sender()) == null) {
        // Nobody to hand it to: the room keeps no owner, whoever joins later (recovery must not make one of them).
        next.info = info.withOwnerGone();
      }
      next.left(closed.sender());
      next.closed = with(closedSenders, closed.sender());
    } else if (entry instanceof TimelineEntry.Retention set) {
      next.retention = set.retention() == null || set.retention().keepsAll() ? null : set.retention();
    } else if (entry instanceof TimelineEntry.Topic set) {
      next.topic = set.topic() == null || set.topic().isEmpty() ? null : set.topic();
    } else if (entry instanceof TimelineEntry.Renamed renamed) {
      next.info = info.with(renamed.name(), info.owner(), info.passcodeHash(), info.capacity());
    } else if (entry instanceof TimelineEntry.Settings changed) {
      next.settings(changed, ((ChatRoom.RoomChanged) event).passcodeHash());
    } else if (entry instanceof TimelineEntry.Visibility visibility) {
      next.info = info.withVisibility(visibility.visibility());
    } else if (entry instanceof TimelineEntry.WhoInvites who) {
      next.info = info.withMembersInvite(TimelineEntry.WhoInvites.MEMBERS.equals(who.who()));
    } else if (entry instanceof TimelineEntry.Invited invited) {
      next.info = info.withInvited(invited.user(), true);
    } else if (entry instanceof TimelineEntry.Kicked kicked) {
      next.removed(kicked.user());
      next.info = info.withInvited(kicked.user(), false);
    } else if (entry instanceof TimelineEntry.Banned ban) {
      next.removed(ban.user());
      next.info = info.withInvited(ban.user(), false);
      next.banned = with(banned, ban.user());
    } else if (entry instanceof TimelineEntry.Unbanned unban) {
      next.banned = without(banned, unban.user());
    } else if (entry instanceof TimelineEntry.Role role) {
      next.role(role);
    } else if (entry instanceof TimelineEntry.Trimmed trimmed) {
      next.trimmed(trimmed.floorSeq());
    } else if (entry instanceof TimelineEntry.Message || entry instanceof TimelineEntry.File) {
      next.lastSent = lastSent.updated(entry.sender(), entry.seq());
    } else if (entry instanceof TimelineEntry.Reaction reaction) {
      next.reaction(reaction);
    } else if (entry instanceof TimelineEntry.Edit edit) {
      next.edit(edit);
    } else if (entry instanceof TimelineEntry.Delete delete) {
      next.delete(delete);
    }
    return next.after(entry, settings);
  }

  /** Members and admins keep their order of arrival: who has been there longest is who comes first. */
  static Set<String> with(Set<String> set, String user) {
    if (set.contains(user)) {
      return set;
    }
    Set<String> copy = new LinkedHashSet<>(set);
    copy.add(user);
    return Collections.unmodifiableSet(copy);
  }

  static Set<String> without(Set<String> set, String user) {
    if (!set.contains(user)) {
      return set;
    }
    Set<String> copy = new LinkedHashSet<>(set);
    copy.remove(user);
    return Collections.unmodifiableSet(copy);
  }

  private static Set<String> ordered(List<String> list) {
    return list == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(list));
  }

  /**
   * Who takes the room when {@code owner} goes: the admin named longest ago, else the member who joined first (in
   * order of arrival since these were kept in order; before that, in the order a snapshot listed them). Null when
   * nobody else is in the room.
   */
  /**
   * Whether the room's owner closed the account and the room is still owed a new owner: a closure before rooms were
   * handed over as their owner went, with someone in the room then to take it. Not a room left with nobody in it
   * ({@link RoomInfo#ownerGone}): whoever joins such a room later joins a room without an owner.
   */
  boolean ownerOwed() {
    return KIND_ROOM.equals(info.kind()) && closedSenders.contains(info.owner())
        && !Boolean.TRUE.equals(info.ownerGone());
  }

  String heirOf(String owner) {
    for (String admin : admins) {
      if (!admin.equals(owner) && members.contains(admin)) {
        return admin;
      }
    }
    for (String member : members) {
      if (!member.equals(owner)) {
        return member;
      }
    }
    return null;
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
        overlays.isEmpty() ? null : new TreeMap<>(overlays), reactions.isEmpty() ? null : new TreeMap<>(reactions),
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
    // A snapshot stored before rooms kept mentions has none: they count from the next one on.
    return new RoomState(s.info(), s.lastSeq(), ordered(s.members()), recent, dedupe, lastSent, quiet,
        MentionSeqs.fromMap(s.mentioned()), s.closedSenders() == null ? Set.of() : Set.copyOf(s.closedSenders()),
        ordered(s.admins()), s.banned() == null ? Set.of() : Set.copyOf(s.banned()),
        s.topic(), Boolean.TRUE.equals(s.deleted()),
        s.overlays() == null ? Collections.emptyNavigableMap()
            : Collections.unmodifiableNavigableMap(new TreeMap<>(s.overlays())),
        s.reactions() == null ? Collections.emptyNavigableMap()
            : Collections.unmodifiableNavigableMap(new TreeMap<>(s.reactions())),
        s.retention(), s.floorSeq() == null ? 1 : s.floorSeq());
  }

  /** What the dedupe window keeps of a send: enough to answer a resend with the same seq. */
  public record Sent(String sender, String clientMsgId, long seq, Instant sentAt) implements CborSerializable {}

  /**
   * The serialized form of {@link RoomState}. {@code dedupe} is the dedupe window as snapshots before 2026-11-23 wrote
   * it, one object per send (read, never written); {@code window} is the same in columns.
   */
  public record Snapshot(
      RoomInfo info,
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
      @JsonInclude(JsonInclude.Include.NON_NULL) RetentionRule retention,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long floorSeq)
      implements CborSerializable {

    /** A snapshot as written before No mentions, and nothing of what rooms could do since. */
    public Snapshot(RoomInfo info, long lastSeq, List<String> members, List<TimelineEntry> recent,
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
   * reaches below the floor (Retention) starts at it and says so ({@code floorSeq}): never a silent gap.
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
