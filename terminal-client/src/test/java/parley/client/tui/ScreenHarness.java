package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.DefaultWindowManager;
import com.googlecode.lanterna.gui2.EmptySpace;
import com.googlecode.lanterna.gui2.MultiWindowTextGUI;
import com.googlecode.lanterna.gui2.SameTextGUIThread;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import com.googlecode.lanterna.terminal.virtual.VirtualTerminalListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Lanterna GUI on a virtual terminal, driven from the test's own thread (which is therefore the GUI thread):
 * keys go in, {@link #pump()} runs the GUI's loop until it is idle, and the screen is read back as text.
 */
final class ScreenHarness implements AutoCloseable {
  final DefaultVirtualTerminal terminal;
  final TerminalScreen screen;
  final MultiWindowTextGUI gui;
  int bells;

  ScreenHarness(int columns, int rows) {
    terminal = new DefaultVirtualTerminal(new TerminalSize(columns, rows));
    terminal.addVirtualTerminalListener(new VirtualTerminalListener() {
      @Override
      public void onFlush() {}

      @Override
      public void onBell() {
        bells++;
      }

      @Override
      public void onClose() {}

      @Override
      public void onResized(Terminal t, TerminalSize size) {}
    });
    try {
      screen = new TerminalScreen(terminal);
      screen.startScreen();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    gui = new MultiWindowTextGUI(
        new SameTextGUIThread.Factory(), screen, new DefaultWindowManager(), null, new EmptySpace(TextColor.ANSI.DEFAULT));
    gui.setTheme(ParleyTheme.screen());
  }

  /** Process pending keys and tasks and redraw, until nothing changes. */
  void pump() {
    try {
      for (int i = 0; i < 20; i++) {
        if (!gui.getGUIThread().processEventsAndUpdate()) {
          return;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void type(String text) {
    for (char c : text.toCharArray()) {
      terminal.addInput(new KeyStroke(c, false, false));
    }
    pump();
  }

  void press(KeyType key) {
    terminal.addInput(new KeyStroke(key));
    pump();
  }

  void ctrl(char c) {
    terminal.addInput(new KeyStroke(c, true, false));
    pump();
  }

  void alt(char c) {
    terminal.addInput(new KeyStroke(c, false, true));
    pump();
  }

  void resize(int columns, int rows) {
    terminal.setTerminalSize(new TerminalSize(columns, rows));
    pump();
  }

  /**
   * The screen as a terminal shows it: a cell holding half of a surrogate pair is what a terminal gets from it, '?'
   * (the encoder's replacement; reading the cells' strings one after the other would join the halves again and hide
   * it), and a double-width character is one character over two cells.
   */
  List<String> rows() {
    TerminalSize size = terminal.getTerminalSize();
    List<String> rows = new ArrayList<>();
    for (int y = 0; y < size.getRows(); y++) {
      StringBuilder row = new StringBuilder();
      for (int x = 0; x < size.getColumns(); x++) {
        TextCharacter cell = terminal.getCharacter(x, y);
        String shown = cell.getCharacterString();
        row.append(shown.length() == 1 && Character.isSurrogate(shown.charAt(0)) ? "?" : shown);
        if (cell.isDoubleWidth()) {
          x++;
        }
      }
      rows.add(row.toString().stripTrailing());
    }
    return rows;
  }

  /** The bottom row: the prompt and what is typed. */
  String inputRow() {
    List<String> rows = rows();
    return rows.get(rows.size() - 1);
  }

  String text() {
    return String.join("\n", rows());
  }

  /** The screen as text, kept under target/screens for the README. */
  void capture(String name) {
    try {
      Path dir = Path.of("target", "screens");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".txt"), text() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    screen.stopScreen();
  }
}
