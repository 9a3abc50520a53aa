package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.AbstractComponent;
import com.googlecode.lanterna.gui2.ComponentRenderer;
import com.googlecode.lanterna.gui2.TextGUIGraphics;
import java.time.Clock;
import java.util.List;
import parley.client.core.ChatClient;
import parley.client.core.ChatState;
import parley.client.core.Presence;
import parley.client.core.RoomState;

/**
 * The centre of the screen: a title row for the room in view, then its timeline, newest at the bottom. PgUp /
 * PgDn scroll by a page; reaching the top of what is loaded asks for the page before it.
 */
final class TimelineView extends AbstractComponent<TimelineView> {
  private final ChatClient client;
  private final TimelineLayout layout;
  private final Clock clock;
  private int scroll;
  private int bodyHeight = 1;
  private String shown;
  /** A room just opened shows its "new messages" line near the top, as weechat and Slack do, until the user scrolls. */
  private boolean toMarker;
  /**
   * A seq to show a third of the way down, with what led to it above ({@code /mentions}, {@code /search}), 0 for none;
   * kept until shown or the user scrolls.
   */
  private long toSeq;
  /** The newest seq on screen when last painted, in the room {@link #shown}: what short numbers count from. */
  private long bottomSeq;

  TimelineView(ChatClient client, TimelineLayout layout, Clock clock) {
    this.client = client;
    this.layout = layout;
    this.clock = clock;
  }

  /** {@code /unread}: the room's "new messages" line near the top. */
  void toFirstUnread() {
    toSeq = 0;
    toMarker = true;
    invalidate();
  }

  /** The entry at {@code seq} of the room in view a third of the way down, once loaded (and if hidden by /clear). */
  void showSeq(long seq) {
    client.state().current().ifPresent(room -> {
      layout.unclear(room.id());
      layout.mark(room.id(), seq);
    });
    toMarker = false;
    toSeq = seq;
    invalidate();
  }

  void pageUp() {
    toMarker = false;
    toSeq = 0;
    RoomState room = client.state().current().orElse(null);
    if (room != null && scroll >= maxScroll(room) && layout.unclear(room.id())) {
      invalidate(); // at the top of a cleared view: what /clear hid comes back first
      return;
    }
    scroll += Math.max(1, bodyHeight - 1);
    if (room != null && scroll >= maxScroll(room) && room.hasOlder()) {
      client.loadOlder(room.id());
    }
    invalidate();
  }

  /** {@code /clear}: the room in view shows nothing of what it has now (it stays loaded; PgUp brings it back). */
  void clear() {
    client.state().current().ifPresent(layout::clear);
    toBottom();
  }

  /**
   * The seq a short number typed in a command means ({@link ShortNumbers}): counted from the newest line on screen
   * when it was last drawn (sending a command scrolls to the newest line first, but the number was read before), or
   * from the room's newest entry if it has not been drawn yet.
   */
  long seqOf(long typed) {
    RoomState room = client.state().current().orElse(null);
    if (room == null) {
      return typed;
    }
    boolean drawn = room.id().equals(shown) && bottomSeq > 0;
    return ShortNumbers.resolve(typed, drawn ? bottomSeq : room.lastSeq());
  }

  void pageDown() {
    toMarker = false;
    toSeq = 0;
    scroll = Math.max(0, scroll - Math.max(1, bodyHeight - 1));
    invalidate();
  }

  void toBottom() {
    toMarker = false;
    toSeq = 0;
    scroll = 0;
    client.state().current().ifPresent(room -> layout.unmark(room.id()));
    invalidate();
  }

  private int maxScroll(RoomState room) {
    int width = Math.max(1, getSize().getColumns());
    return Math.max(0, layout.rows(client.state(), room, width).size() - bodyHeight);
  }

  @Override
  protected ComponentRenderer<TimelineView> createDefaultRenderer() {
    return new ComponentRenderer<>() {
      @Override
      public TerminalSize getPreferredSize(TimelineView view) {
        return new TerminalSize(20, 5);
      }

      @Override
      public void drawComponent(TextGUIGraphics g, TimelineView view) {
        paint(g);
      }
    };
  }

  private void paint(TextGUIGraphics g) {
    int width = g.getSize().getColumns();
    int height = g.getSize().getRows();
    bodyHeight = Math.max(1, height - 1);
    ChatState state = client.state();
    RoomState room = state.current().orElse(null);
    String id = room == null ? null : room.id();
    if (id == null ? shown != null : !id.equals(shown)) {
      shown = id;
      scroll = 0;
      toMarker = room != null && toSeq == 0;
    }
    List<List<Span>> rows = room == null ? layout.lobby(state, width) : layout.rows(state, room, width);
    if (toSeq > 0 && room != null && room.loaded()) {
      int at = layout.rowOf(toSeq);
      if (at >= 0) {
        scroll = Math.max(0, rows.size() - bodyHeight - Math.max(0, at - bodyHeight / 3));
        toSeq = 0;
      } else if (room.hasOlder() && !room.loadingOlder()) {
        client.loadOlder(room.id()); // not loaded yet: older history first, then shown
      } else if (!room.loadingOlder()) {
        toSeq = 0;
      }
    }
    if (toMarker && room != null && room.loaded()) {
      int marker = layout.markerRow();
      // One row of what was read above the line; with no line (nothing new), the newest rows.
      // Kept until the user scrolls while the new messages fill more than the screen (what arrives meanwhile goes
      // below, the line stays); once they fit, the view follows the newest line as usual.
      scroll = marker < 0 ? 0 : Math.max(0, rows.size() - bodyHeight - Math.max(0, marker - 1));
      toMarker = scroll > 0;
    }
    int max = Math.max(0, rows.size() - bodyHeight);
    scroll = Math.min(scroll, max);
    Painter.row(g, 0, 0, title(state, room, width), width, TextColor.ANSI.DEFAULT, true);
    int start = Math.max(0, rows.size() - bodyHeight - scroll);
    for (int y = 0; y < bodyHeight; y++) {
      int i = start + y;
      List<Span> row = i < rows.size() ? rows.get(i) : List.of();
      Painter.row(g, 0, y + 1, row, width, TextColor.ANSI.DEFAULT, false);
    }
    bottomSeq = room == null ? 0 : layout.lastSeqBefore(start + bodyHeight);
  }

  private List<Span> title(ChatState state, RoomState room, int width) {
    if (room == null) {
      return List.of(Span.plain(" Parley"));
    }
    String left;
    String peer = room.peer(state.me());
    if (peer != null) {
      Presence p = state.presenceOf(peer);
      left = " " + room.displayName(state.me()) + " · "
          + (p.online() ? "online" : "last seen " + Ago.since(p.lastSeen(), clock.instant()));
    } else {
      left = " " + room.displayName(state.me()) + " · " + room.members().size() + (room.members().size() == 1 ? " member" : " members") + " · id " + room.id()
          + (room.topic() == null ? "" : " · " + Text.clean(room.topic()));
    }
    String right = scroll > 0 ? "↓ " + scroll + " more lines · PgDn " : "";
    int gap = Math.max(1, width - Text.width(left) - Text.width(right));
    return List.of(Span.bold(Text.fit(left, width - Text.width(right) - 1), TextColor.ANSI.DEFAULT),
        Span.plain(" ".repeat(gap)), Span.plain(right));
  }
}
