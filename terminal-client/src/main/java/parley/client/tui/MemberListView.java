package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.AbstractComponent;
import com.googlecode.lanterna.gui2.ComponentRenderer;
import com.googlecode.lanterna.gui2.TextGUIGraphics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import parley.client.core.ChatState;
import parley.client.core.Presence;
import parley.client.core.RoomState;

/** The right column: the members of the room in view, online first, then offline with when last seen. */
final class MemberListView extends AbstractComponent<MemberListView> {
  static final int WIDTH = 20;

  private final ChatState state;
  private final Clock clock;

  MemberListView(ChatState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  @Override
  protected ComponentRenderer<MemberListView> createDefaultRenderer() {
    return new ComponentRenderer<>() {
      @Override
      public TerminalSize getPreferredSize(MemberListView view) {
        return new TerminalSize(WIDTH, 1);
      }

      @Override
      public void drawComponent(TextGUIGraphics g, MemberListView view) {
        paint(g);
      }
    };
  }

  /** Members, online ones first, each group by name. */
  List<String> ordered(RoomState room) {
    List<String> members = new ArrayList<>(room.members());
    members.sort(Comparator.comparing((String m) -> !state.presenceOf(m).online()).thenComparing(m -> m));
    return members;
  }

  private void paint(TextGUIGraphics g) {
    int width = g.getSize().getColumns();
    int height = g.getSize().getRows();
    RoomState room = state.current().orElse(null);
    List<String> members = room == null ? List.of() : ordered(room);
    long online = members.stream().filter(m -> state.presenceOf(m).online()).count();
    String title = room == null ? " Members" : " Members " + online + "/" + members.size();
    for (int y = 0; y < height; y++) {
      g.setForegroundColor(TextColor.ANSI.BLACK_BRIGHT);
      g.setCharacter(0, y, y == 0 ? ' ' : '│');
      List<Span> row;
      if (y == 0) {
        row = List.of(Span.bold(title, TextColor.ANSI.DEFAULT));
      } else if (y - 1 < members.size()) {
        row = row(room, members.get(y - 1), width - 1);
      } else {
        row = List.of();
      }
      Painter.row(g, 1, y, row, width - 1, TextColor.ANSI.DEFAULT, y == 0);
    }
  }

  private List<Span> row(RoomState room, String member, int width) {
    Presence p = state.presenceOf(member);
    // @ the owner, + an admin, as IRC shows them.
    String role = room.roleOf(member);
    String shown = ("owner".equals(role) ? "@" : "admin".equals(role) ? "+" : "") + member;
    if (p.online()) {
      return List.of(Span.of(" ● ", TextColor.ANSI.GREEN_BRIGHT), Span.of(shown, NickColors.of(member)));
    }
    String ago = " " + Ago.since(p.lastSeen(), clock.instant());
    return List.of(Span.of(" ○ ", TextColor.ANSI.BLACK_BRIGHT),
        Span.of(Text.pad(shown, Math.max(1, width - 3 - Text.width(ago))), TextColor.ANSI.BLACK_BRIGHT),
        Span.of(ago, TextColor.ANSI.BLACK_BRIGHT));
  }
}
