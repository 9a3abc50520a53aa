package parley.client.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import parley.protocol.Message;
import parley.protocol.MessagePage;

/**
 * One room as this client knows it. The timeline is keyed by the room's seq, so order never depends on arrival
 * and a second copy of an entry is simply not added. Once a baseline is loaded, every seq from {@code floor} to
 * {@code contiguous} is present; anything the server is known to have past that ({@code lastSeq}) is a gap that
 * the client fetches by seq. Lines the user sent wait as pending until their ack (or their entry) arrives.
 *
 * <p>It is long because each entry added moves several of a room's facts at once (the gap-free run, pending lines,
 * edits, the unread count, members and roles), so the timeline and what is counted from it stay in one class, while
 * what stands apart from the timeline's order, {@link Reactions} and {@link Receipts}, has its own.
 *
 * <p>Not thread-safe: confined to the client's thread.
 */
public final class RoomState {
  public static final String KIND_ROOM = "room";
  public static final String KIND_DM = "dm";
  public static final String KIND_GROUP = "group";

  private final String id;
  private String name;
  private String kind;
  private final NavigableMap<Long, Message> timeline = new TreeMap<>();
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final List<Notice> notices = new ArrayList<>();
  private final Set<String> members = new TreeSet<>();
  private final Reactions reactions = new Reactions();

  /** The latest text of edited messages (null: deleted), by seq, from the edit and delete entries held. */
  private final Map<Long, Message> changed = new HashMap<>();

  /** The topic (null: none) and the members' roles other than member, as of the members' list. */
  private String topic;
  private final Map<String, String> roles = new HashMap<>();
  /** Senders who closed their account (an account_closed entry, or an entry marked senderDeleted). */
  private final Set<String> closedSenders = new HashSet<>();
  private final Receipts receipts = new Receipts();
  /** The seq up to which this client told the server it holds the room. */
  private long deliveredSent;
  /** Room mates typing now, each until when (this client's clock), in the order they started. */
  private final Map<String, Instant> typing = new LinkedHashMap<>();
  private long membersAsOf = -1;
  private boolean loaded;
  private long floor = 1;
  private long contiguous;
  /** The highest floor the room's retention was said to have (0: none). */
  private long trimmedFloor;
  private long lastSeq;
  private long readSeq;
  private long markerSeq = Long.MAX_VALUE;
  private boolean hasOlder;
  private boolean loadingOlder;
  private boolean syncing;
  /** The server's last count (hello, /me): {@code countedUnread} messages of others after {@code countedRead}. */
  private long countedLast;
  private long countedRead;
  private long countedUnread;
  /** Whose messages count as read (the client's own user), once known. */
  private String me;
  private Predicate<String> ignored = name -> false;
  private Activity activity = Activity.NONE;

  public RoomState(String id, String name, String kind) {
    this.id = id;
    this.name = name;
    this.kind = kind;
  }

  // ---------------------------------------------------------------------------------------------- timeline

  /** {@code ignored}: whose messages count in no unread count (the user blocks them). */
  public RoomState ignoring(Predicate<String> ignored) {
    this.ignored = ignored;
    return this;
  }

  /** Adds the entries not seen before; returns those, ascending. Pending lines they stand for stop pending. */
  public List<Message> add(Collection<Message> entries, String me) {
    this.me = me;
    List<Message> added = new ArrayList<>();
    for (Message m : entries) {
      if (m.seq() < 1) {
        continue;
      }
      lastSeq = Math.max(lastSeq, m.seq());
      if (m.clientMsgId() != null && m.sender() != null && m.sender().equals(me)) {
        pending.remove(m.clientMsgId());
      }
      if (timeline.putIfAbsent(m.seq(), m) == null) {
        added.add(m);
        applyMembership(m);
        if (m.sender() != null && (Message.KIND_MESSAGE.equals(m.kind()) || Message.KIND_FILE.equals(m.kind()))) {
          receipts.wrote(m.sender(), m.seq());
        }
      }
      reactions.apply(m);
      if (m.target() != null && (Message.KIND_EDIT.equals(m.kind()) || Message.KIND_DELETE.equals(m.kind()))) {
        Message before = changed.get(m.target());
        if (before == null || before.seq() < m.seq()) {
          changed.put(m.target(), m);
        }
      }
      if (m.sender() != null && (Boolean.TRUE.equals(m.senderDeleted()) || Message.KIND_ACCOUNT_CLOSED.equals(m.kind()))) {
        closedSenders.add(m.sender());
      }
    }
    extend();
    added.sort(Comparator.comparingLong(Message::seq));
    return added;
  }

  /** The first page of history (the latest entries): from here on the room is kept gap-free. */
  public List<Message> baseline(MessagePage latest, String me) {
    List<Message> added = add(latest.messages(), me);
    if (!latest.messages().isEmpty()) {
      floor = latest.messages().get(0).seq();
    } else if (!timeline.isEmpty()) {
      floor = timeline.firstKey();
    } else {
      floor = lastSeq + 1;
    }
    contiguous = floor - 1;
    loaded = true;
    hasOlder = floor > 1 && !Boolean.TRUE.equals(latest.trimmed());
    extend();
    return added;
  }

  /** A baseline without history: from {@code seq} on (line mode, which only shows what is new). */
  public void startAt(long seq) {
    lastSeq = Math.max(lastSeq, seq);
    floor = seq + 1;
    contiguous = seq;
    loaded = true;
    hasOlder = seq > 0;
    extend();
  }

  /**
   * The server's timeline ends at {@code serverLastSeq}, before entries this client holds: the server lost them. What
   * the client holds of the room may differ from the server's below that too, so it is forgotten, to be loaded again
   * as for a room never seen; lines waiting for their ack stay (they are resent, and dedupe stores them once).
   */
  public void forget(long serverLastSeq) {
    timeline.clear();
    loaded = false;
    floor = 1;
    contiguous = 0;
    lastSeq = serverLastSeq;
    readSeq = Math.min(readSeq, serverLastSeq);
    markerSeq = Long.MAX_VALUE;
    hasOlder = false;
    loadingOlder = false;
  }

  /**
   * The room's retention removed the entries before {@code floorSeq}: what this client lacks below it is not a
   * gap any more (it goes on from there, with a notice where it was), and nothing older is there to load.
   */
  public void trimmed(long floorSeq, Instant at) {
    if (floorSeq <= trimmedFloor) {
      return;
    }
    trimmedFloor = floorSeq;
    if (floor <= floorSeq) {
      hasOlder = false;
    }
    if (loaded && contiguous < floorSeq - 1) {
      // Entries this client was about to show are gone: said where they would have been.
      notice("Messages #" + (contiguous + 1) + " to #" + (floorSeq - 1)
          + " were removed by the room's retention before this client got them.", false, at);
      contiguous = floorSeq - 1;
      extend();
    }
  }

  /** Where the room's retention was said to have cut its history (0: never). */
  public long trimmedFloor() {
    return trimmedFloor;
  }

  /** An older page, fetched with {@code before=floor}, or a page read around a seq that reaches down from it. */
  public List<Message> older(MessagePage page, String me) {
    loadingOlder = false;
    List<Message> added = add(page.messages(), me);
    if (page.messages().isEmpty()) {
      hasOlder = false;
    } else {
      long first = page.messages().get(0).seq();
      floor = Math.min(floor, first);
      while (timeline.containsKey(floor - 1)) {
        floor--; // a page read around a seq (a search hit) lay just below: the gap-free run goes on through it
      }
      hasOlder = (page.hasMore() || floor < first) && floor > 1;
    }
    return added;
  }

  /** The seq to fetch after, if the server has entries this client lacks past its gap-free run. */
  public OptionalLong gap() {
    return loaded && contiguous < lastSeq ? OptionalLong.of(contiguous) : OptionalLong.empty();
  }

  /** The server has at least {@code seq} entries. */
  public void known(long seq) {
    lastSeq = Math.max(lastSeq, seq);
  }

  private void extend() {
    if (!loaded) {
      return;
    }
    while (timeline.containsKey(contiguous + 1)) {
      contiguous++;
    }
  }

  /**
   * The message at {@code seq} as it reads now: its latest edit's text and time, or deleted; as the server sent
   * it if no edit or delete of it is held (a page read from history says so itself).
   */
  public Message current(Message m) {
    Message change = changed.get(m.seq());
    if (change == null) {
      return m;
    }
    boolean deleted = Message.KIND_DELETE.equals(change.kind());
    return new Message(m.room(), m.seq(), m.kind(), m.sender(), deleted ? null : change.text(), m.sentAt(),
        m.clientMsgId(), m.mentions(), m.senderDeleted(), m.user(), m.role(), m.capacity(), m.passcode(), m.target(),
        m.replyTo(), deleted ? null : change.sentAt(), deleted ? Boolean.TRUE : null);
  }

  /** Each reaction on the message at {@code seq} (by its emoji) with its count, as they came; empty if none. */
  public Map<String, Integer> reactionsOf(long seq) {
    return reactions.of(seq, ignored);
  }

  /** The seq of {@code me}'s newest message held here that is not deleted, or null. */
  public Long lastOwnMessage(String me) {
    for (Message m : timeline.descendingMap().values()) {
      Message now = current(m);
      if (Message.KIND_MESSAGE.equals(m.kind()) && me.equals(m.sender()) && !Boolean.TRUE.equals(now.deleted())) {
        return m.seq();
      }
    }
    return null;
  }

  /** Whether {@code user} has closed their account, as far as this room's entries tell. */
  public boolean senderClosed(String user) {
    return closedSenders.contains(user);
  }

  /** The topic and the roles, as the room said in full (its members' list is as of the same seq). */
  public void details(String topic, Map<String, String> roles) {
    this.topic = topic;
    this.roles.clear();
    roles.forEach((user, role) -> {
      if (!"member".equals(role)) {
        this.roles.put(user, role);
      }
    });
  }

  public String topic() {
    return topic;
  }

  /** {@code owner}, {@code admin} or {@code member}. */
  public String roleOf(String user) {
    return roles.getOrDefault(user, "member");
  }

  private void applyMembership(Message m) {
    if (membersAsOf < 0 || m.seq() <= membersAsOf || m.sender() == null) {
      return;
    }
    switch (m.kind()) {
      case Message.KIND_TOPIC -> topic = m.text() == null || m.text().isEmpty() ? null : m.text();
      case Message.KIND_RENAMED -> name = m.text();
      case Message.KIND_KICKED, Message.KIND_BANNED -> {
        members.remove(m.user());
        roles.remove(m.user());
      }
      case Message.KIND_ROLE -> {
        if ("owner".equals(m.role())) {
          roles.replaceAll((u, r) -> "owner".equals(r) ? "admin" : r);
          roles.put(m.user(), "owner");
        } else if ("admin".equals(m.role())) {
          roles.put(m.user(), "admin");
        } else {
          roles.remove(m.user());
        }
      }
      default -> { }
    }
    if (Message.KIND_JOINED.equals(m.kind())) {
      members.add(m.sender());
    } else if (Message.KIND_LEFT.equals(m.kind()) || Message.KIND_ACCOUNT_CLOSED.equals(m.kind())) {
      members.remove(m.sender());
    }
  }

  // ---------------------------------------------------------------------------------------------- sending

  public Pending addPending(String clientMsgId, String text, Instant at) {
    Pending p = new Pending(clientMsgId, text, at, null);
    pending.put(clientMsgId, p);
    return p;
  }

  /** The server stored the pending line at {@code seq}: it takes its place in the timeline. */
  public void acked(String clientMsgId, long seq, Instant sentAt, String me) {
    Pending p = pending.remove(clientMsgId);
    if (p != null) {
      timeline.putIfAbsent(seq, new Message(id, seq, Message.KIND_MESSAGE, me, p.text(), sentAt, clientMsgId));
    }
    lastSeq = Math.max(lastSeq, seq);
    readSeq = Math.max(readSeq, seq);
    extend();
  }

  public void fail(String clientMsgId, String why) {
    pending.computeIfPresent(clientMsgId, (k, p) -> p.failed(why));
  }

  // ---------------------------------------------------------------------------------------------- reading

  /** The server counted {@code unread} messages of others between {@code readSeq} and {@code lastSeq} (not joins). */
  public void counted(long lastSeq, long readSeq, long unread) {
    this.countedLast = lastSeq;
    this.countedRead = readSeq;
    this.countedUnread = unread;
  }

  /**
   * Messages of others past the read marker, as a person would count them: joins and leaves are not. Entries held are
   * counted one by one; what lies before them comes from the server's count when it was made at this marker; seqs
   * the client knows exist but does not hold yet count as messages until they arrive.
   */
  public long unread() {
    if (readSeq >= lastSeq) {
      return 0;
    }
    long held = 0;
    long from = readSeq;
    if (!(loaded && floor <= readSeq + 1)) {
      if (countedRead != readSeq) {
        return lastSeq - readSeq; // the count was made at another marker: the best known is the seq distance
      }
      held = countedUnread;
      from = Math.max(readSeq, countedLast);
    }
    long last = from;
    for (Message m : timeline.tailMap(from, false).values()) {
      if (Message.KIND_MESSAGE.equals(m.kind()) && !m.sender().equals(me) && !ignored.test(m.sender())) {
        held++;
      }
      last = m.seq();
    }
    return held + Math.max(0, lastSeq - last);
  }

  /** Move the read marker forward (never back). */
  public void markRead(long seq) {
    readSeq = Math.max(readSeq, seq);
  }

  /**
   * The user opens the room: if it has unread entries, the "new messages" line goes where the read marker is now
   * (and stays there while the room is in view, as in irssi); entries that arrive while it is in view are read.
   */
  public void open() {
    markerSeq = unread() > 0 ? readSeq : Long.MAX_VALUE;
    activity = Activity.NONE;
  }

  public void raise(Activity level) {
    activity = activity.max(level);
  }

  public void clearActivity() {
    activity = Activity.NONE;
  }

  // ---------------------------------------------------------------------------------------------- members

  /** The member list as of {@code asOfSeq}; later joined/left entries keep it current. */
  public void members(Collection<String> usernames, long asOfSeq) {
    members.clear();
    members.addAll(usernames);
    membersAsOf = asOfSeq;
    // Joins and leaves this client already holds that are newer than the list (it is read again on reconnect).
    timeline.tailMap(asOfSeq, false).values().forEach(this::applyMembership);
  }

  public Set<String> members() {
    return Collections.unmodifiableSet(members);
  }

  public boolean membersKnown() {
    return membersAsOf >= 0;
  }

  // ---------------------------------------------------------------------------------------------- notices

  /** A client line, shown after everything the room has now (what the server has, if not yet loaded). */
  public void notice(String text, boolean error, Instant at) {
    notices.add(new Notice(Math.max(lastSeq, timeline.isEmpty() ? 0 : timeline.lastKey()), at, text, error));
  }

  public List<Notice> notices() {
    return Collections.unmodifiableList(notices);
  }

  // ---------------------------------------------------------------------------------------------- naming

  /** A DM's other party ({@code dm:<a>:<b>}), or null for a room. */
  public String peer(String me) {
    if (!isDm() || !id.startsWith("dm:")) {
      return null;
    }
    String[] parts = id.split(":", 3);
    return parts.length < 3 ? null : parts[1].equals(me) ? parts[2] : parts[1];
  }

  /** {@code #name} for a room, {@code @peer} for a DM, {@code &the others} for a group DM. */
  public String displayName(String me) {
    String peer = peer(me);
    if (peer != null) {
      return "@" + peer;
    }
    if (KIND_GROUP.equals(kind) && name != null) {
      // Who is in it now once its members are known (not who was asked and declined or left), else its name's list.
      List<String> others = new ArrayList<>(membersKnown() && members.size() > 1 ? new TreeSet<>(members)
          : List.of(name.split(", ")));
      others.remove(me);
      return "&" + SafeText.oneLine(String.join(", ", others));
    }
    return "#" + SafeText.oneLine(name);
  }

  public boolean isDm() {
    return KIND_DM.equals(kind);
  }

  /** A room, not a DM or a group DM (those show no join lines). */
  public boolean isRoom() {
    return KIND_ROOM.equals(kind);
  }

  public void describe(String name, String kind) {
    if (name != null) {
      this.name = name;
    }
    if (kind != null) {
      this.kind = kind;
    }
  }

  // ---------------------------------------------------------------------------------------------- accessors

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String kind() {
    return kind;
  }

  /** The timeline, ascending by seq. */
  public Collection<Message> entries() {
    return Collections.unmodifiableCollection(timeline.values());
  }

  /** Entries with seq above {@code seq}, ascending. */
  public Collection<Message> entriesAfter(long seq) {
    return Collections.unmodifiableCollection(timeline.tailMap(seq, false).values());
  }

  public Optional<Message> entry(long seq) {
    return Optional.ofNullable(timeline.get(seq));
  }

  public List<Pending> pending() {
    return List.copyOf(pending.values());
  }

  public boolean loaded() {
    return loaded;
  }

  public long floor() {
    return floor;
  }

  public long contiguous() {
    return contiguous;
  }

  public long lastSeq() {
    return lastSeq;
  }

  public long readSeq() {
    return readSeq;
  }

  /** Entries after this seq are below the "new messages" line (Long.MAX_VALUE: no line). */
  public long markerSeq() {
    return markerSeq;
  }

  public boolean hasOlder() {
    return hasOlder;
  }

  public boolean loadingOlder() {
    return loadingOlder;
  }

  public void loadingOlder(boolean loading) {
    loadingOlder = loading;
  }

  /** A baseline or gap fetch is under way. */
  public boolean syncing() {
    return syncing;
  }

  public void syncing(boolean value) {
    syncing = value;
  }

  public Activity activity() {
    return activity;
  }

  /** {@code user} types until {@code until}, or (null) stopped. */
  public void typing(String user, Instant until) {
    if (until == null) {
      typing.remove(user);
    } else {
      typing.put(user, until);
    }
  }

  /** Who types at {@code now}, in the order they started; the expired are forgotten. */
  public List<String> typists(Instant now) {
    typing.values().removeIf(until -> !until.isAfter(now));
    return List.copyOf(typing.keySet());
  }

  /** Where {@code user} is in this room (readSeq null: they hide it). */
  public void receipt(String user, long deliveredSeq, Long readSeq) {
    receipts.told(user, deliveredSeq, readSeq);
  }

  long deliveredSent() {
    return deliveredSent;
  }

  void deliveredSent(long seq) {
    deliveredSent = Math.max(deliveredSent, seq);
  }

  /**
   * What became of {@code me}'s message at {@code seq}, for its line's end: "sent", "delivered", "read" (a DM:
   * the other read it) or "read k/n" (a room: k of the n others); null while receipts are unknown.
   */
  public String receiptOf(long seq, String me) {
    return receipts.of(seq, me, members, isDm());
  }
}
