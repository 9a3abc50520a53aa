package parley.client.tui;

import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Draws {@link RealTerminalTest}'s lines on the terminal it runs in, the way the client does (its terminal, Lanterna's
 * screen, {@link Painter}), then waits to be ended: the test reads the screen back from the terminal itself.
 */
final class RealTerminalProbe {
  static final String DONE = "probe-drawn";

  private RealTerminalProbe() {}

  public static void main(String[] args) throws Exception {
    Charset charset = Charset.defaultCharset();
    Glyphs.useTerminalCharset(charset);
    Screen screen = new TerminalScreen(GraphemeTerminal.open(charset));
    screen.startScreen();
    TextGraphics g = screen.newTextGraphics();
    List<String> lines = new ArrayList<>(RealTerminalTest.LINES.keySet());
    lines.add(DONE);
    for (int row = 0; row < lines.size(); row++) {
      // As the timeline draws a message's text: cleaned, in the terminal's forms (Text.clean), then painted.
      Painter.row(g, 0, row, List.of(Span.plain(Text.clean(lines.get(row)))), 60, TextColor.ANSI.DEFAULT, false);
    }
    screen.refresh();
    new CountDownLatch(1).await(); // drawn: the test reads the pane, then ends the process with its tmux server
  }
}
