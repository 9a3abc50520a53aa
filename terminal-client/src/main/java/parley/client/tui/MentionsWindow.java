package parley.client.tui;

import com.googlecode.lanterna.gui2.ActionListBox;
import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.LinearLayout;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.Window;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BiConsumer;
import parley.client.core.ChatState;
import parley.client.core.SafeText;
import parley.protocol.NotificationList;

/** {@code /mentions}: the inbox, newest first, unread ones marked; Enter opens the room at the message, Esc closes. */
final class MentionsWindow extends BasicWindow {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MMM d HH:mm");

  MentionsWindow(NotificationList inbox, ChatState state, ZoneId zone, BiConsumer<NotificationList.Item, Window> open) {
    super("Mentions and DMs: Enter opens, Esc closes");
    setHints(List.of(Window.Hint.CENTERED, Window.Hint.MODAL));
    setTheme(ParleyTheme.dialogs());
    Panel panel = new Panel(new LinearLayout());
    if (inbox.notifications().isEmpty()) {
      panel.addComponent(new Label("Nothing yet: mentions of you and DMs show here."));
    } else {
      ActionListBox list = new ActionListBox();
      for (NotificationList.Item n : inbox.notifications()) {
        list.addItem(describe(n, state, zone), () -> open.accept(n, this));
      }
      panel.addComponent(list);
    }
    setComponent(panel);
    Keys.closeOnEscape(this);
  }

  static String describe(NotificationList.Item n, ChatState state, ZoneId zone) {
    String where = state.room(n.room()).map(r -> r.displayName(state.me())).orElse(n.room());
    String when = n.at() == null ? "" : WHEN.format(n.at().atZone(zone));
    return String.format("%s %-12s %-16s %s: %s", n.read() ? " " : "•", when, Text.fit(where, 16),
        SafeText.oneLine(n.sender()), Text.fit(SafeText.oneLine(n.excerpt()), 60));
  }
}
