package parley.client.tui;

import com.googlecode.lanterna.TextColor;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import parley.client.core.ChatClient;
import parley.client.core.ChatState;
import parley.client.core.Notice;
import parley.client.core.Pending;
import parley.client.core.RoomState;
import parley.client.core.SafeText;
import parley.client.core.Transfer;
import parley.protocol.Message;

/**
 * The rows of a timeline at a given width: entries in seq order with time stamps, nicks in their colours, day
 * separators, join and leave lines, the "new messages" line at the read marker, the client's own notices, and the
 * user's pending lines last. Pure: no widgets, so it is easy to test and to re-run on every resize.
 */
final class TimelineLayout {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);
  private static final TextColor DIM = TextColor.ANSI.BLACK_BRIGHT;
  /** Where the text of a message line starts: its number, then its time. */
  private static final String INDENT = " ".repeat(ShortNumbers.WIDTH + 6);

  private final ZoneId zone;
  /** The row of the "new messages" line in what {@link #rows} made last, or -1 if it had none. */
  private int markerRow = -1;
  private final Map<Long, Integer> rowOfSeq = new HashMap<>();
  /**
   * {@code /clear}, per room: the last seq and the number of the client's notices it hid from view; they stay in
   * the client (and the history on the server), and PgUp at the top brings them back.
   */
  private final Map<String, long[]> cleared = new HashMap<>();
  /** By room: the seq of the line marked (see {@link #mark}). */
  private final Map<String, Long> marked = new HashMap<>();

  TimelineLayout(ZoneId zone) {
    this.zone = zone;
  }

  List<List<Span>> rows(ChatState state, RoomState room, int width) {
    List<List<Span>> rows = new ArrayList<>();
    markerRow = -1;
    rowOfSeq.clear();
    long[] hidden = cleared.getOrDefault(room.id(), new long[] {0, 0});
    rows.add(hidden[0] > 0 || hidden[1] > 0 ? List.of(Span.of("  ── cleared · PgUp brings it back ──", DIM))
        : top(room, state.me()));
    LocalDate[] day = {null};
    long firstNew = room.entriesAfter(room.markerSeq()).stream()
        .filter(m -> !state.me().equals(m.sender()))
        .mapToLong(Message::seq)
        .findFirst()
        .orElse(Long.MAX_VALUE);
    List<Notice> shown = room.notices().subList((int) Math.min(hidden[1], room.notices().size()),
        room.notices().size());
    Iterator<Notice> notices = shown.iterator();
    Notice nextNotice = notices.hasNext() ? notices.next() : null;
    long previous = 0;
    for (Message m : room.entriesAfter(hidden[0])) {
      while (nextNotice != null && nextNotice.afterSeq() < m.seq()) {
        notice(rows, nextNotice, width, day);
        nextNotice = notices.hasNext() ? notices.next() : null;
      }
      if (previous > 0 && m.seq() > previous + 1 && previous < room.floor()) {
        // A page read around a search hit, apart below the oldest page held: what lies between is not here yet.
        rows.add(centred("#" + (previous + 1) + " to #" + (m.seq() - 1) + " not loaded · PgUp at the top loads them",
            width, DIM));
      }
      previous = m.seq();
      dayChange(rows, m.sentAt(), width, day);
      if (m.seq() == firstNew) {
        markerRow = rows.size();
        rows.add(centred("new messages", width, TextColor.ANSI.RED_BRIGHT));
      }
      rowOfSeq.put(m.seq(), rows.size());
      entry(rows, state, room, m, width);
    }
    while (nextNotice != null) {
      notice(rows, nextNotice, width, day);
      nextNotice = notices.hasNext() ? notices.next() : null;
    }
    for (Pending p : room.pending()) {
      dayChange(rows, p.at(), width, day);
      pending(rows, state.me(), p, width);
    }
    return rows;
  }

  /** {@code /clear}: what the room shows now is hidden from its view. */
  void clear(RoomState room) {
    long last = room.entries().stream().mapToLong(Message::seq).max().orElse(0);
    cleared.put(room.id(), new long[] {Math.max(last, room.lastSeq()), room.notices().size()});
  }

  /** Shows again what {@code /clear} hid in the room; false if it hid nothing. */
  boolean unclear(String roomId) {
    return cleared.remove(roomId) != null;
  }

  /** The line a search hit (or a reply's quote) opened at: marked with ▶ after its number until the view moves on. */
  void mark(String roomId, long seq) {
    marked.put(roomId, seq);
  }

  void unmark(String roomId) {
    marked.remove(roomId);
  }

  int markerRow() {
    return markerRow;
  }

  /** The newest seq whose entry starts above row {@code row} in the last {@link #rows}, or 0. */
  long lastSeqBefore(int row) {
    long last = 0;
    for (var e : rowOfSeq.entrySet()) {
      if (e.getValue() < row && e.getKey() > last) {
        last = e.getKey();
      }
    }
    return last;
  }

  /** The row the entry at {@code seq} starts on in the last {@link #rows}, or -1 if it is not among them. */
  int rowOf(long seq) {
    return rowOfSeq.getOrDefault(seq, -1);
  }

  /** What the screen shows with no room: how to begin, and the client's notices. */
  List<List<Span>> lobby(ChatState state, int width) {
    List<List<Span>> rows = new ArrayList<>();
    for (String line : List.of(
        "Welcome to Parley, " + state.me() + ".",
        "",
        "You are in no room yet. To begin:",
        "  /create name      create a room (others join it by its id)",
        "  /rooms            browse public rooms and join one",
        "  /join id          join a room by its id",
        "  /dm user          talk to someone directly",
        "",
        "F1 shows every command and key.")) {
      for (String part : Text.wrap(line, width)) {
        rows.add(List.of(Span.plain(part)));
      }
    }
    LocalDate[] day = {LocalDate.now(zone)};
    for (Notice n : state.lobby()) {
      notice(rows, n, width, day);
    }
    return rows;
  }

  private List<Span> top(RoomState room, String me) {
    String text;
    if (!room.loaded()) {
      text = "  … loading history";
    } else if (room.loadingOlder()) {
      text = "  … loading older messages";
    } else if (room.hasOlder()) {
      text = "  ↑ PgUp for older messages";
    } else if (room.trimmedFloor() > 1) {
      text = "  ── history before #" + room.trimmedFloor() + " removed by retention ──";
    } else {
      text = "  ── start of " + room.displayName(me) + " ──";
    }
    return List.of(Span.of(text, DIM));
  }

  private void dayChange(List<List<Span>> rows, Instant at, int width, LocalDate[] day) {
    if (at == null) {
      return;
    }
    LocalDate date = at.atZone(zone).toLocalDate();
    if (!date.equals(day[0])) {
      rows.add(centred(DAY.format(date), width, DIM));
    }
    day[0] = date;
  }

  /** A line's number (its short seq, on a message or a file you can answer, react to, delete) and its time. */
  private List<Span> stamp(Instant at, Long seq) {
    return List.of(Span.of(seq == null ? ShortNumbers.blank() : ShortNumbers.label(seq), DIM),
        Span.of(time(at) + " ", DIM));
  }

  /** The stamp of a numbered line; the marked one's number ends in a bold ▶ instead of a blank. */
  private List<Span> stamp(Instant at, long seq, RoomState room) {
    if (!Long.valueOf(seq).equals(marked.get(room.id()))) {
      return stamp(at, seq);
    }
    String label = ShortNumbers.label(seq);
    return List.of(Span.bold(label.substring(0, label.length() - 1) + "▶", TextColor.ANSI.YELLOW_BRIGHT),
        Span.of(time(at) + " ", DIM));
  }

  private static List<Span> with(List<Span> stamp, Span... more) {
    List<Span> spans = new ArrayList<>(stamp);
    spans.addAll(List.of(more));
    return spans;
  }

  /** "[🎉 2  👍 1]" for the message at {@code seq}, each emoji as the terminal can draw it; null if none. */
  private static String reactions(RoomState room, long seq) {
    Map<String, Integer> on = room.reactionsOf(seq);
    if (on.isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    on.forEach((emoji, count) -> parts.add(Text.clean(SafeText.oneLine(emoji)) + " " + count));
    return "[" + String.join("  ", parts) + "]";
  }

  private void entry(List<List<Span>> rows, ChatState state, RoomState room, Message m, int width) {
    List<Span> plain = stamp(m.sentAt(), null);
    String sender = m.sender() == null ? "?" : m.sender();
    if (Message.KIND_ACCOUNT_CLOSED.equals(m.kind())) {
      wrapped(rows, plain, "← " + sender + " closed their account", width, TextColor.ANSI.BLACK_BRIGHT, false);
      return;
    }
    String moderation = moderation(m, sender);
    if (moderation != null) {
      boolean removal = Message.KIND_KICKED.equals(m.kind()) || Message.KIND_BANNED.equals(m.kind());
      wrapped(rows, plain, moderation, width, removal ? TextColor.ANSI.RED : TextColor.ANSI.CYAN, false);
      return;
    }
    if (Message.KIND_EDIT.equals(m.kind()) || Message.KIND_DELETE.equals(m.kind())
        || Message.KIND_REACTION.equals(m.kind()) || Message.KIND_TRIMMED.equals(m.kind())) {
      return; // shown on the message they change (a trim: as a notice, when it cuts what this client reads)
    }
    m = room.current(m);
    if ((Message.KIND_MESSAGE.equals(m.kind()) || Message.KIND_FILE.equals(m.kind())) && state.blocks(sender)) {
      // Folded, as the web client folds it: /unblock shows them again.
      wrapped(rows, plain, "· a message from someone you block", width, TextColor.ANSI.BLACK_BRIGHT, false);
      return;
    }
    if (Boolean.TRUE.equals(m.deleted())) {
      wrapped(rows, plain, "✗ " + sender + " deleted a message", width, TextColor.ANSI.BLACK_BRIGHT, false);
      return;
    }
    List<Span> numbered = stamp(m.sentAt(), m.seq(), room);
    if (m.replyTo() != null) {
      Message answered = room.entry(m.replyTo()).orElse(null);
      String quoted = answered == null ? "#" + m.replyTo() : (answered.sender() + ": "
          + (room.current(answered).text() == null ? "(deleted)" : Text.clean(room.current(answered).text())));
      wrapped(rows, List.of(Span.of(INDENT + "↪ ", DIM)), Text.fit(quoted, Math.max(10, width - INDENT.length() - 4)),
          width, DIM, false);
    }
    if (Message.KIND_FILE.equals(m.kind()) && m.file() != null) {
      String who = Boolean.TRUE.equals(m.senderDeleted()) || room.senderClosed(sender) ? sender + " (deleted)" : sender;
      List<Span> prefix = with(numbered, Span.bold(who, NickColors.of(sender)), Span.plain(": "));
      wrapped(rows, prefix, Text.clean("📎 " + m.file().name()) + " (" + Transfer.size(m.file().size())
          + ", " + Text.clean(m.file().contentType()) + ") · /download " + ShortNumbers.label(m.seq()).strip(), width,
          TextColor.ANSI.CYAN, false);
      String reacted = reactions(room, m.seq());
      if (reacted != null) {
        wrapped(rows, List.of(Span.of(INDENT, DIM)), reacted, width, TextColor.ANSI.CYAN, false);
      }
      return;
    }
    if (!Message.KIND_MESSAGE.equals(m.kind()) && !Message.KIND_JOINED.equals(m.kind())
        && !Message.KIND_LEFT.equals(m.kind())) {
      return; // a kind of a later protocol version: shown by the clients that know it
    }
    if (Boolean.TRUE.equals(m.senderDeleted()) || room.senderClosed(sender)) {
      sender = sender + " (deleted)";
    }
    if (Message.KIND_JOINED.equals(m.kind()) || Message.KIND_LEFT.equals(m.kind())) {
      boolean joined = Message.KIND_JOINED.equals(m.kind());
      if (joined && !room.isRoom()) {
        return; // a DM or group DM: who is in it is in its name and its member list, not news
      }
      String what = (joined ? "→ " : "← ") + sender + (joined ? " joined" : " left");
      wrapped(rows, plain, what, width, joined ? TextColor.ANSI.GREEN : TextColor.ANSI.BLACK_BRIGHT, false);
      return;
    }
    boolean mention = !sender.equals(state.me()) && state.mentionsMe(m.text());
    if (m.text() != null && m.text().startsWith(ChatClient.ACTION)) {
      List<Span> action = with(numbered, Span.plain("* "), Span.bold(sender, NickColors.of(sender)), Span.plain(" "));
      wrapped(rows, action, Text.clean(m.text().substring(ChatClient.ACTION.length())), width,
          mention ? TextColor.ANSI.YELLOW_BRIGHT : TextColor.ANSI.MAGENTA, mention);
      return;
    }
    List<Span> prefix = with(numbered, Span.bold(sender, NickColors.of(sender)), Span.plain(": "));
    wrapped(rows, prefix, Text.clean(m.text()) + (m.editedAt() != null ? " (edited)" : ""), width,
        mention ? TextColor.ANSI.YELLOW_BRIGHT : TextColor.ANSI.DEFAULT, mention);
    String receipt = sender.equals(state.me()) ? room.receiptOf(m.seq(), state.me()) : null;
    String reacted = reactions(room, m.seq());
    if (receipt != null) {
      // The message's fate at its line's end: sent, delivered, read (k/n in a room).
      rows.get(rows.size() - 1).add(Span.of("  · " + receipt, DIM));
    }
    if (reacted != null) {
      // Their own line under the message: the counts, as compact as they come.
      wrapped(rows, List.of(Span.of(INDENT, DIM)), reacted, width, TextColor.ANSI.CYAN, false);
    }
  }

  /** A moderation entry as one line, or null for any other kind. */
  static String moderation(Message m, String sender) {
    String user = m.user() == null ? "?" : m.user();
    String why = m.text() == null ? "" : ": " + Text.clean(m.text());
    return switch (m.kind()) {
      case Message.KIND_TOPIC -> m.text() == null || m.text().isEmpty() ? "— " + sender + " cleared the topic"
          : "— " + sender + " set the topic: " + Text.clean(m.text());
      case Message.KIND_RENAMED -> "— " + sender + " renamed the room to " + Text.clean(m.text());
      case Message.KIND_SETTINGS -> "— " + sender + " changed the settings:"
          + (m.passcode() == null ? "" : m.passcode() ? " a passcode is needed now" : " no passcode is needed now")
          + (m.passcode() != null && m.capacity() != null ? "," : "")
          + (m.capacity() == null ? "" : " capacity " + m.capacity());
      case Message.KIND_VISIBILITY -> "— " + sender + " made the room " + Text.clean(String.valueOf(m.text()));
      case Message.KIND_WHO_INVITES -> "— " + sender + ("members".equals(m.text()) ? " let every member invite"
          : " kept invitations to the owner and admins");
      case Message.KIND_INVITED -> "— " + sender + " invited " + user;
      case Message.KIND_KICKED -> "← " + user + " was kicked by " + sender + why;
      case Message.KIND_BANNED -> "← " + user + " was banned by " + sender + why;
      case Message.KIND_UNBANNED -> "— " + sender + " unbanned " + user;
      case Message.KIND_RETENTION -> "— " + sender + " set the room to keep " + (m.retention() == null
          || m.retention().keepsAll() ? "all its history"
          : m.retention().maxMessages() != null ? "its last " + m.retention().maxMessages() + " messages"
          : "its last " + m.retention().maxAgeDays() + " days");
      case Message.KIND_ROLE -> "— " + sender + " made " + user + switch (String.valueOf(m.role())) {
        case "owner" -> " the owner";
        case "admin" -> " an admin";
        default -> " a member";
      };
      default -> null;
    };
  }

  private void pending(List<List<Span>> rows, String me, Pending p, int width) {
    List<Span> prefix = with(stamp(p.at(), null), Span.bold(me, NickColors.of(me)), Span.plain(": "));
    String text = Text.clean(p.text()) + (p.isFailed() ? "  ✗ not sent: " + p.failure() : "  ⋯");
    wrapped(rows, prefix, text, width, p.isFailed() ? TextColor.ANSI.RED : DIM, false);
  }

  private void notice(List<List<Span>> rows, Notice n, int width, LocalDate[] day) {
    dayChange(rows, n.at(), width, day);
    List<Span> prefix = with(stamp(n.at(), null), Span.of("-!- ", TextColor.ANSI.CYAN));
    wrapped(rows, prefix, Text.clean(n.text()), width, n.error() ? TextColor.ANSI.RED_BRIGHT : TextColor.ANSI.CYAN,
        false);
  }

  /** The prefix, then the text wrapped; continuation rows are indented to where the text began. */
  private static void wrapped(
      List<List<Span>> rows, List<Span> prefix, String text, int width, TextColor color, boolean bold) {
    int indent = prefix.stream().mapToInt(s -> Text.width(s.text())).sum();
    if (indent > width / 2) {
      indent = Math.min(6, width / 2);
    }
    int firstWidth = Math.max(1, width - prefix.stream().mapToInt(s -> Text.width(s.text())).sum());
    List<String> lines = Text.wrap(text, Math.max(1, width - indent));
    String first = lines.get(0);
    List<Span> row = new ArrayList<>(prefix);
    if (Text.width(first) > firstWidth) {
      rows.add(row);
      row = new ArrayList<>(List.of(Span.plain(" ".repeat(indent))));
    }
    row.add(new Span(first, color, bold));
    rows.add(row);
    for (String line : lines.subList(1, lines.size())) {
      rows.add(new ArrayList<>(List.of(Span.plain(" ".repeat(indent)), new Span(line, color, bold))));
    }
  }

  private static List<Span> centred(String label, int width, TextColor color) {
    String text = "── " + label + " ──";
    int left = Math.max(0, (width - Text.width(text)) / 2);
    return List.of(Span.of("─".repeat(left) + text + "─".repeat(Math.max(0, width - left - Text.width(text))), color));
  }

  private String time(Instant at) {
    return at == null ? "--:--" : TIME.format(at.atZone(zone));
  }
}
