package parley.client.tui;

import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowListenerAdapter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import parley.client.command.CommandParser;

/** F1: every command and key, over the chat; Esc, Enter, F1 or q closes it. */
final class HelpWindow extends BasicWindow {

  HelpWindow() {
    super("Parley help: Esc closes");
    setHints(List.of(Window.Hint.CENTERED, Window.Hint.MODAL));
    setTheme(ParleyTheme.dialogs());
    setComponent(new Label(text()));
    addWindowListener(new WindowListenerAdapter() {
      @Override
      public void onInput(Window window, KeyStroke key, AtomicBoolean deliver) {
        KeyType type = key.getKeyType();
        if (type == KeyType.Escape || type == KeyType.Enter || type == KeyType.F1
            || (type == KeyType.Character && key.getCharacter() == 'q')) {
          deliver.set(false);
          close();
        }
      }
    });
  }

  static String text() {
    StringBuilder out = new StringBuilder("Commands\n");
    for (String[] c : CommandParser.COMMANDS) {
      if (!CommandParser.RUNNING_A_ROOM.contains(c[0]) && !CommandParser.ACCOUNT.contains(c[0])
          && !CommandParser.MESSAGES.contains(c[0]) && !CommandParser.INVITES.contains(c[0])
          && !CommandParser.VIEW.contains(c[0])) {
        out.append(String.format("  %-42s %s%n", c[1], c[2]));
      }
    }
    group(out, "Running a room (owner, admins)", CommandParser.RUNNING_A_ROOM);
    group(out, "The view (/help says more)", CommandParser.VIEW);
    group(out, "Your messages (/help says more)", CommandParser.MESSAGES);
    group(out, "People, invitations (/help says more)", CommandParser.INVITES);
    group(out, "Your account", CommandParser.ACCOUNT);
    out.append("\nKeys\n");
    for (String[] k : Keys.ALL) {
      out.append(String.format("  %-16s %s%n", k[0], k[1]));
    }
    return out.toString().stripTrailing();
  }

  /** A group of commands: its label, then the commands wrapped to lines that fit a 100-column screen. */
  private static void group(StringBuilder out, String label, java.util.List<String> commands) {
    StringBuilder line = new StringBuilder();
    for (String command : commands) {
      if (line.length() > 0 && line.length() + 1 + command.length() > 57) {
        out.append(String.format("  %-37s %s%n", label, line));
        label = "";
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(command);
    }
    out.append(String.format("  %-37s %s%n", label, line));
  }
}
