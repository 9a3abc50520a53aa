package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.AbstractComponent;
import com.googlecode.lanterna.gui2.ComponentRenderer;
import com.googlecode.lanterna.gui2.TextGUIGraphics;
import java.util.ArrayList;
import java.util.List;
import parley.client.core.Activity;
import parley.client.core.ChatState;
import parley.client.core.RoomState;

/**
 * The left column: rooms, then DMs, each with its Alt number, unread count and (for a DM) whether the peer is
 * online; the room in view is highlighted, rooms with activity stand out by level.
 */
final class RoomListView extends AbstractComponent<RoomListView> {
  static final int WIDTH = 22;

  private final ChatState state;

  RoomListView(ChatState state) {
    this.state = state;
  }

  @Override
  protected ComponentRenderer<RoomListView> createDefaultRenderer() {
    return new ComponentRenderer<>() {
      @Override
      public TerminalSize getPreferredSize(RoomListView view) {
        return new TerminalSize(WIDTH, 1);
      }

      @Override
      public void drawComponent(TextGUIGraphics g, RoomListView view) {
        paint(g);
      }
    };
  }

  private void paint(TextGUIGraphics g) {
    int width = g.getSize().getColumns() - 1;
    int height = g.getSize().getRows();
    List<RoomState> rooms = state.ordered();
    String currentId = state.current().map(RoomState::id).orElse(null);
    Painter.row(g, 0, 0, List.of(Span.bold(" Rooms", TextColor.ANSI.DEFAULT)), width, TextColor.ANSI.DEFAULT, true);
    for (int y = 1; y < height; y++) {
      int i = y - 1;
      List<Span> row = i < rooms.size() ? row(rooms.get(i), i, width) : List.of();
      boolean current = i < rooms.size() && rooms.get(i).id().equals(currentId);
      Painter.row(g, 0, y, row, width, TextColor.ANSI.DEFAULT, current);
      g.setForegroundColor(TextColor.ANSI.BLACK_BRIGHT);
      g.setCharacter(width, y, '│');
    }
    g.setCharacter(width, 0, ' ');
  }

  private List<Span> row(RoomState room, int index, int width) {
    List<Span> spans = new ArrayList<>();
    spans.add(Span.of(index < 9 ? " " + (index + 1) + " " : "   ", TextColor.ANSI.BLACK_BRIGHT));
    String peer = room.peer(state.me());
    String unread = room.unread() > 0 ? " " + (room.unread() > 999 ? "999+" : String.valueOf(room.unread())) : "";
    String dot = peer == null ? "" : state.presenceOf(peer).online() ? " ●" : " ○";
    int nameWidth = Math.max(1, width - 3 - Text.width(dot) - Text.width(unread));
    String name = Text.fit(room.displayName(state.me()), nameWidth);
    spans.add(name(room, name));
    if (!dot.isEmpty()) {
      spans.add(Span.of(dot, state.presenceOf(peer).online() ? TextColor.ANSI.GREEN_BRIGHT : TextColor.ANSI.BLACK_BRIGHT));
    }
    spans.add(Span.plain(" ".repeat(Math.max(0, nameWidth - Text.width(name)))));
    if (!unread.isEmpty()) {
      spans.add(Span.bold(unread, room.activity().isHighlight() ? colour(room.activity()) : TextColor.ANSI.DEFAULT));
    }
    return spans;
  }

  /** Hotlist colours: a mention in yellow, a DM in magenta. */
  private static TextColor colour(Activity level) {
    return level == Activity.MENTION ? TextColor.ANSI.YELLOW_BRIGHT : TextColor.ANSI.MAGENTA_BRIGHT;
  }

  private static Span name(RoomState room, String text) {
    switch (room.activity()) {
      case MENTION:
      case DM:
        return Span.bold(text, colour(room.activity()));
      case MESSAGE:
        return Span.bold(text, TextColor.ANSI.DEFAULT);
      case LOW:
        return Span.plain(text);
      default:
        return Span.of(text, TextColor.ANSI.DEFAULT);
    }
  }
}
