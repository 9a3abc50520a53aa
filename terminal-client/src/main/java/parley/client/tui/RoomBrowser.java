package parley.client.tui;

import com.googlecode.lanterna.gui2.ActionListBox;
import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.LinearLayout;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.Window;
import java.util.List;
import java.util.function.BiConsumer;
import parley.protocol.RoomListing;

/** {@code /rooms}: the public rooms in a list; Enter joins (asking for the passcode if one is needed), Esc closes. */
final class RoomBrowser extends BasicWindow {

  RoomBrowser(RoomListing listing, BiConsumer<RoomListing.Entry, Window> choose) {
    super("Rooms: Enter joins, Esc closes");
    setHints(List.of(Window.Hint.CENTERED, Window.Hint.MODAL));
    setTheme(ParleyTheme.dialogs());
    Panel panel = new Panel(new LinearLayout());
    if (listing.rooms().isEmpty()) {
      panel.addComponent(new Label("No public rooms yet: /create one."));
    } else {
      ActionListBox list = new ActionListBox();
      listing.rooms().stream()
          .sorted((a, b) -> Integer.compare(b.online(), a.online()) != 0 ? Integer.compare(b.online(), a.online())
              : a.name().compareToIgnoreCase(b.name()))
          .forEach(room -> list.addItem(describe(room), () -> choose.accept(room, this)));
      panel.addComponent(list);
    }
    setComponent(panel);
    Keys.closeOnEscape(this);
  }

  static String describe(RoomListing.Entry room) {
    return String.format("%-24s %4d online %5d/%-5d %s%s",
        Text.fit("#" + room.name(), 24), room.online(), room.members(), room.capacity(),
        room.passcode() ? "passcode " : "", room.id());
  }
}
