package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.AbstractComponent;
import com.googlecode.lanterna.gui2.ComponentRenderer;
import com.googlecode.lanterna.gui2.TextGUIGraphics;
import java.time.Clock;
import java.util.List;
import parley.client.core.ChatState;
import parley.client.core.SafeText;

/** The row under the timeline: who is typing in the room in view ("alice is typing..."), blank when nobody is. */
final class TypingLine extends AbstractComponent<TypingLine> {
  private final ChatState state;
  private final Clock clock;

  TypingLine(ChatState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  String text() {
    List<String> typists = state.current().map(room -> room.typists(clock.instant())).orElse(List.of());
    return sentence(typists.stream().map(SafeText::oneLine).toList());
  }

  /** "alice is typing...", "alice and bob are...", "alice and 2 others are...". */
  private static String sentence(List<String> typists) {
    switch (typists.size()) {
      case 0:
        return "";
      case 1:
        return typists.get(0) + " is typing...";
      case 2:
        return typists.get(0) + " and " + typists.get(1) + " are typing...";
      default:
        return typists.get(0) + " and " + (typists.size() - 1) + " others are typing...";
    }
  }

  @Override
  protected ComponentRenderer<TypingLine> createDefaultRenderer() {
    return new ComponentRenderer<>() {
      @Override
      public TerminalSize getPreferredSize(TypingLine line) {
        return new TerminalSize(20, 1);
      }

      @Override
      public void drawComponent(TextGUIGraphics g, TypingLine line) {
        String text = text();
        Painter.row(g, 0, 0, List.of(Span.of(text.isEmpty() ? "" : " " + text, TextColor.ANSI.CYAN)),
            g.getSize().getColumns(), TextColor.ANSI.DEFAULT, false);
      }
    };
  }
}
