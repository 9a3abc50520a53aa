package parley.client.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import parley.client.net.LinkStatus;
import parley.protocol.Member;
import parley.protocol.Message;
import parley.protocol.NotificationList;
import parley.protocol.Room;
import parley.protocol.RoomSummary;

/**
 * Everything the client knows: the user, their rooms, who is online, which room is in view, how the link is. The
 * view reads it; only {@link ChatClient} and its parts change it, on the client's thread. Testable without a
 * terminal or a server: feed it what the server would say and look.
 */
public final class ChatState {
  private final String me;
  private final Mentions mentions;
  private final Map<String, RoomState> rooms = new HashMap<>();
  /** Whom the user blocks: their messages are folded and count for nothing (read after hello, then told). */
  private final Set<String> blocked = new HashSet<>();
  private final Map<String, Presence> presence = new HashMap<>();
  private final Map<String, Long> presenceToldAt = new HashMap<>();
  private long presenceTicks;
  private final List<Notice> lobby = new ArrayList<>();
  private String current;
  private LinkStatus link = LinkStatus.connecting();

  /**
   * Unread notifications as the server reads them: one is read once its room's read marker passes its seq. Those
   * known by room and seq are counted against the markers; {@code olderUnread} are the rest of hello's count.
   */
  private final Map<String, Long> unreadNotes = new HashMap<>();
  private long olderUnread;

  public ChatState(String me) {
    this.me = me;
    this.mentions = new Mentions(me);
  }

  public String me() {
    return me;
  }

  // ---------------------------------------------------------------------------------------------- rooms

  public Optional<RoomState> room(String id) {
    return Optional.ofNullable(rooms.get(id));
  }

  /** The room, made up from its id if this is the first the client hears of it. */
  public RoomState ensureRoom(String id) {
    return rooms.computeIfAbsent(id, k -> new RoomState(k, k, k.startsWith("dm:") ? RoomState.KIND_DM : RoomState.KIND_ROOM)
        .ignoring(blocked::contains));
  }

  /** A room from the server's list ({@code hello}, {@code /me}): name, kind, last seq and the read marker. */
  public RoomState upsert(RoomSummary summary) {
    RoomState room = ensureRoom(summary.id());
    room.describe(summary.name(), summary.kind());
    room.known(summary.lastSeq());
    room.markRead(summary.readSeq());
    if (!Boolean.TRUE.equals(summary.unavailable())) {
      room.counted(summary.lastSeq(), summary.readSeq(), summary.unread());
    }
    if (!summary.id().equals(current) && room.unread() > 0) {
      room.raise(summary.mentions() > 0 ? Activity.MENTION : room.isDm() ? Activity.DM : Activity.MESSAGE);
    }
    return room;
  }

  /** A room in full (joined, created, fetched): also its members and their presence. */
  public RoomState upsert(Room full) {
    return upsert(full, presenceMark());
  }

  /**
   * A room in full, read when {@link #presenceMark()} was {@code asOf}: a member's presence told by a frame since
   * then is newer than what the read saw, and is kept.
   */
  public RoomState upsert(Room full, long asOf) {
    RoomState room = ensureRoom(full.id());
    room.describe(full.name(), full.kind());
    room.known(full.lastSeq());
    Map<String, String> roles = new HashMap<>();
    // A server before v1.1 names no roles: its rooms' owner is the only one.
    full.members().forEach(m -> roles.put(m.username(), m.role() != null ? m.role()
        : m.username().equals(full.owner()) && RoomState.KIND_ROOM.equals(full.kind()) ? "owner" : "member"));
    room.details(full.topic(), roles);
    room.members(full.members().stream().map(Member::username).toList(), full.lastSeq());
    for (Member m : full.members()) {
      if (presenceToldAt.getOrDefault(m.username(), 0L) <= asOf) {
        presence.put(m.username(), new Presence(m.online(), m.lastSeen()));
      }
    }
    return room;
  }

  /**
   * The room leaves the list. If it was in view, the room that takes its place in the list comes into view (the one
   * above it when it was the last).
   */
  public void remove(String id) {
    List<RoomState> before = ordered();
    rooms.remove(id);
    if (id.equals(current)) {
      current = null;
      int at = before.indexOf(before.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null));
      int next = at + 1 < before.size() ? at + 1 : at - 1;
      if (next >= 0 && next != at) {
        switchTo(before.get(next).id());
      }
    }
  }

  /** Rooms by name, then DMs by peer: the order of the room list and of Alt+1..9. */
  public List<RoomState> ordered() {
    Comparator<RoomState> byKind = Comparator.comparing(RoomState::isDm);
    Comparator<RoomState> byName = Comparator.comparing(r -> r.displayName(me).toLowerCase());
    List<RoomState> list = new ArrayList<>(rooms.values());
    list.sort(byKind.thenComparing(byName).thenComparing(RoomState::id));
    return list;
  }

  public Collection<RoomState> rooms() {
    return Collections.unmodifiableCollection(rooms.values());
  }

  public Optional<RoomState> current() {
    return Optional.ofNullable(current).map(rooms::get);
  }

  public void switchTo(String id) {
    RoomState room = rooms.get(id);
    if (room != null) {
      current = id;
      room.open();
    }
  }

  /** The room {@code delta} places away from the current one in {@link #ordered()}, wrapping around. */
  public Optional<RoomState> neighbour(int delta) {
    List<RoomState> list = ordered();
    if (list.isEmpty()) {
      return Optional.empty();
    }
    int at = current().map(list::indexOf).orElse(-1);
    int next = Math.floorMod((at < 0 ? 0 : at) + delta, list.size());
    return Optional.of(list.get(at < 0 ? 0 : next));
  }

  /** The room with the most pressing activity, for "jump to next active". */
  public Optional<RoomState> mostActive() {
    return ordered().stream()
        .filter(r -> r.activity() != Activity.NONE && !r.id().equals(current))
        .max(Comparator.comparing(RoomState::activity));
  }

  // ---------------------------------------------------------------------------------------------- entries

  /**
   * New entries for a room. Entries from others past the read marker in a room not in view raise its activity;
   * returns true when that deserves the bell ({@code live} entries only: a mention or a DM).
   */
  public boolean receive(String roomId, Collection<Message> entries, boolean live) {
    RoomState room = ensureRoom(roomId);
    List<Message> added = room.add(entries, me);
    if (roomId.equals(current)) {
      return false;
    }
    boolean bell = false;
    for (Message m : added) {
      if (me.equals(m.sender()) || m.seq() <= room.readSeq() || blocked.contains(m.sender())
          || (Message.KIND_JOINED.equals(m.kind()) && !room.isRoom())) {
        continue; // a DM or group DM shows no joins, so they are no activity there either
      }
      Activity level = levelOf(room, m);
      room.raise(level);
      bell |= live && level.isHighlight();
    }
    return bell;
  }

  private Activity levelOf(RoomState room, Message m) {
    if (!Message.KIND_MESSAGE.equals(m.kind())) {
      return Activity.LOW;
    }
    // The server names who a message mentions (v1.1); a v1 server does not, and the name in the text tells.
    if (m.mentions().contains(me) || mentions.in(m.text())) {
      return Activity.MENTION;
    }
    return room.isDm() ? Activity.DM : Activity.MESSAGE;
  }

  /** Whether the user blocks {@code username}. */
  public boolean blocks(String username) {
    return blocked.contains(username);
  }

  /** The list as the server has it ({@code GET /me/blocks}). */
  public void blocks(Collection<String> all) {
    blocked.clear();
    blocked.addAll(all);
  }

  /** A block ({@code on}) or unblock, made here or told by a {@code block} frame. */
  public void block(String username, boolean on) {
    if (on) {
      blocked.add(username);
    } else {
      blocked.remove(username);
    }
  }

  /** The user's unread notifications: the "n unread in /mentions" of the status bar. */
  public long notifications() {
    long n = olderUnread;
    for (Map.Entry<String, Long> note : unreadNotes.entrySet()) {
      RoomState room = rooms.get(note.getKey().substring(0, note.getKey().lastIndexOf(':')));
      n += room != null && note.getValue() > room.readSeq() ? 1 : 0;
    }
    return n;
  }

  /** Hello's count: which they are is not known until the inbox is read ({@link #inboxRead}). */
  public void notificationsCounted(long unread) {
    olderUnread = Math.max(0, unread);
    unreadNotes.clear();
  }

  /** A notification frame: unread until its room is read past it, here or on another device. */
  public void notified(String room, long seq) {
    unreadNotes.put(room + ":" + seq, seq);
  }

  /**
   * The inbox's newest page: its unread items are known by room and seq from now on; {@code total} (null: all of
   * them are on the page) is how many the server counted unread, the rest of which stay counted as they are.
   */
  public void inboxRead(List<NotificationList.Item> page, Long total) {
    long unread = 0;
    for (NotificationList.Item n : page) {
      if (n.read()) {
        unreadNotes.remove(n.room() + ":" + n.seq());
      } else {
        notified(n.room(), n.seq());
        unread++;
      }
    }
    olderUnread = total == null ? 0 : Math.max(0, total - unread);
  }

  public boolean mentionsMe(String text) {
    return mentions.in(text);
  }

  // ---------------------------------------------------------------------------------------------- presence

  /** A member's presence as a frame (or a read of that one user) told it. */
  public void presence(String username, boolean online, Instant lastSeen) {
    presence.put(username, new Presence(online, lastSeen));
    presenceToldAt.put(username, ++presenceTicks);
  }

  /** Moves on with every presence told: a room read while it was at this value is older than what came after. */
  public long presenceMark() {
    return presenceTicks;
  }

  public Presence presenceOf(String username) {
    return presence.getOrDefault(username, Presence.UNKNOWN);
  }

  // ---------------------------------------------------------------------------------------------- link, notices

  /** The file going up or down now, if any. */
  private Transfer transfer;

  public Optional<Transfer> transfer() {
    return Optional.ofNullable(transfer);
  }

  public void transfer(Transfer t) {
    transfer = t;
  }

  public LinkStatus link() {
    return link;
  }

  public void link(LinkStatus status) {
    link = status;
  }

  /** A line from the client: in the room in view, or in the lobby when there is none. */
  public void notice(String text, boolean error, Instant at) {
    Optional<RoomState> room = current();
    if (room.isPresent()) {
      room.get().notice(text, error, at);
    } else {
      lobby.add(new Notice(0, at, text, error));
    }
  }

  public List<Notice> lobby() {
    return Collections.unmodifiableList(lobby);
  }
}
