package parley.client.tui;

import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowListenerAdapter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** The keys of the main screen, for the help screen and the README. */
final class Keys {
  static final List<String[]> ALL = List.of(
      new String[] {"Ctrl+N / Ctrl+P", "next / previous room"},
      new String[] {"Alt+1..9", "go to room 1..9 of the list"},
      new String[] {"Alt+A", "go to the room with the most pressing activity"},
      new String[] {"PgUp / PgDn", "scroll; older history loads as you go up"},
      new String[] {"Esc", "back to the newest line"},
      new String[] {"Tab", "complete a nick or a command; again for the next one"},
      new String[] {"Up / Down", "recall lines you sent (Up on an empty line: edit your last)"},
      new String[] {"Ctrl+U", "clear the input line"},
      new String[] {"Ctrl+C", "quit (same as /quit)"});

  private Keys() {}

  /** A dialog that Esc closes. */
  static void closeOnEscape(BasicWindow dialog) {
    dialog.addWindowListener(new WindowListenerAdapter() {
      @Override
      public void onInput(Window window, KeyStroke key, AtomicBoolean deliver) {
        if (key.getKeyType() == KeyType.Escape) {
          deliver.set(false);
          dialog.close();
        }
      }
    });
  }
}
