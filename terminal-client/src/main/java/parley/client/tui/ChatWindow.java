package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowBasedTextGUI;
import com.googlecode.lanterna.gui2.WindowListenerAdapter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import parley.client.command.Command;
import parley.client.command.CommandParser;
import parley.client.command.InputHistory;
import parley.client.command.TabCompleter;
import parley.client.core.ChatClient;
import parley.client.core.RoomState;
import parley.client.net.LinkStatus;
import parley.protocol.Message;

/**
 * The main screen: rooms on the left, the timeline in the middle, members on the right, then the status bar and
 * the input line. It reads {@link parley.client.core.ChatState} and calls {@link ChatClient}; it runs, like
 * everything that touches a widget, on the GUI thread.
 */
final class ChatWindow extends BasicWindow implements ChatClient.Listener {

  /** What the window asks of the application around it. */
  interface Host {
    void quit();

    /** {@code /logout}: the token is revoked and forgotten, and the login screen comes back. */
    void logout();

    void bell();

    void loggedOut(String reason);
  }

  private final ChatClient client;
  private final Host host;
  private final RoomListView rooms;
  private final TimelineView timeline;
  private final MemberListView members;
  private final StatusBar status;
  private final TypingLine typing;
  private final ZoneId zone;
  private final Label prompt = new Label("");
  private final TextBox input = new TextBox(new TerminalSize(20, 1));
  private final InputHistory history = new InputHistory();
  private final TabCompleter completer = new TabCompleter();
  private boolean loggedOut;

  ChatWindow(ChatClient client, String server, Clock clock, ZoneId zone, Host host) {
    super("Parley");
    this.zone = zone;
    this.client = client;
    this.host = host;
    this.rooms = new RoomListView(client.state());
    this.timeline = new TimelineView(client, new TimelineLayout(zone), clock);
    this.members = new MemberListView(client.state(), clock);
    this.status = new StatusBar(client, server, clock);
    this.typing = new TypingLine(client.state(), clock);
    setHints(List.of(Window.Hint.FULL_SCREEN, Window.Hint.NO_DECORATIONS));
    setTheme(ParleyTheme.screen());

    Panel middle = new Panel(new BorderLayout());
    middle.addComponent(rooms, BorderLayout.Location.LEFT);
    middle.addComponent(timeline, BorderLayout.Location.CENTER);
    middle.addComponent(members, BorderLayout.Location.RIGHT);
    Panel inputRow = new Panel(new BorderLayout());
    inputRow.addComponent(prompt, BorderLayout.Location.LEFT);
    inputRow.addComponent(input, BorderLayout.Location.CENTER);
    Panel bars = new Panel(new BorderLayout());
    bars.addComponent(typing, BorderLayout.Location.TOP);
    bars.addComponent(status, BorderLayout.Location.CENTER);
    Panel bottom = new Panel(new BorderLayout());
    bottom.addComponent(bars, BorderLayout.Location.TOP);
    bottom.addComponent(inputRow, BorderLayout.Location.CENTER);
    Panel root = new Panel(new BorderLayout());
    root.addComponent(middle, BorderLayout.Location.CENTER);
    root.addComponent(bottom, BorderLayout.Location.BOTTOM);
    setComponent(root);
    setFocusedInteractable(input);
    input.setTextChangeListener((text, byUser) -> client.inputChanged(text));
    addWindowListener(new WindowListenerAdapter() {
      @Override
      public void onInput(Window window, KeyStroke key, AtomicBoolean deliver) {
        if (handle(key)) {
          deliver.set(false);
        }
      }

      @Override
      public void onResized(Window window, TerminalSize oldSize, TerminalSize newSize) {
        fitTo(newSize);
      }
    });
    onChange();
  }

  // ---------------------------------------------------------------------------------------------- from the client

  @Override
  public void onChange() {
    RoomState room = client.state().current().orElse(null);
    prompt.setText(room == null ? "> " : "[" + room.displayName(client.state().me()) + "] ");
    rooms.invalidate();
    timeline.invalidate();
    members.invalidate();
    status.invalidate();
    typing.invalidate();
    if (client.state().link().state() == LinkStatus.State.LOGGED_OUT) {
      loggedOut(client.state().link().detail());
    }
  }

  /** Back to the login screen, once, whichever comes first: the server's 4001 or the call that ended the login. */
  private void loggedOut(String reason) {
    if (!loggedOut) {
      loggedOut = true;
      host.loggedOut(reason);
    }
  }

  @Override
  public void onBell() {
    host.bell();
  }

  /** A narrow terminal gives the timeline the member list's columns, a very narrow one the room list's too. */
  private void fitTo(TerminalSize size) {
    members.setVisible(size.getColumns() >= 80);
    rooms.setVisible(size.getColumns() >= 50);
  }

  /** Once a second: the status bar's countdown, the members' "last seen" and who is typing move on. */
  void tick() {
    status.invalidate();
    typing.invalidate();
    members.invalidate();
  }

  // ---------------------------------------------------------------------------------------------- keys

  private boolean handle(KeyStroke key) {
    KeyType type = key.getKeyType();
    if (type != KeyType.Tab) {
      completer.reset();
    }
    switch (type) {
      case Enter:
        submit();
        return true;
      case Tab:
        setInput(completer.complete(input.getText(), nicks()));
        return true;
      case ArrowUp:
        // On an empty line: your last message here, to edit (Up again walks the input history).
        String last = input.getText().isEmpty() ? client.lastOwnText().orElse(null) : null;
        setInput(last != null ? "/edit " + last : history.previous(input.getText()));
        return true;
      case ArrowDown:
        setInput(history.next(input.getText()));
        return true;
      case PageUp:
        timeline.pageUp();
        return true;
      case PageDown:
        timeline.pageDown();
        return true;
      case Escape:
        if (!client.cancelTransfer()) {
          timeline.toBottom();
        }
        return true;
      case F1:
        showHelp();
        return true;
      case Character:
        return key.isCtrlDown() ? ctrl(Character.toLowerCase(key.getCharacter()))
            : key.isAltDown() && alt(Character.toLowerCase(key.getCharacter()));
      default:
        return false;
    }
  }

  private boolean ctrl(char c) {
    switch (c) {
      case 'n':
        client.state().neighbour(1).ifPresent(r -> client.switchTo(r.id()));
        return true;
      case 'p':
        client.state().neighbour(-1).ifPresent(r -> client.switchTo(r.id()));
        return true;
      case 'u':
        setInput("");
        return true;
      case 'c':
      case 'd':
        host.quit();
        return true;
      default:
        return false;
    }
  }

  private boolean alt(char c) {
    if (c >= '1' && c <= '9') {
      List<RoomState> ordered = client.state().ordered();
      int index = c - '1';
      if (index < ordered.size()) {
        client.switchTo(ordered.get(index).id());
      }
      return true;
    }
    if (c == 'a') {
      client.state().mostActive().ifPresent(r -> client.switchTo(r.id()));
      return true;
    }
    return false;
  }

  private void setInput(String text) {
    input.setText(text);
    input.setCaretPosition(text.length());
  }

  /** Completion candidates: who spoke most recently in the room first, then every other member. */
  private List<String> nicks() {
    RoomState room = client.state().current().orElse(null);
    if (room == null) {
      return List.of();
    }
    Set<String> nicks = new LinkedHashSet<>();
    List<Message> entries = new ArrayList<>(room.entries());
    for (int i = entries.size() - 1; i >= 0 && nicks.size() < 50; i--) {
      String sender = entries.get(i).sender();
      if (sender != null && !sender.equals(client.state().me())) {
        nicks.add(sender);
      }
    }
    nicks.addAll(members.ordered(room));
    nicks.remove(client.state().me());
    return new ArrayList<>(nicks);
  }

  // ---------------------------------------------------------------------------------------------- commands

  private void submit() {
    String line = input.getText();
    if (line.isBlank()) {
      return;
    }
    history.add(line);
    setInput("");
    timeline.toBottom();
    run(CommandParser.parse(line));
  }

  private void run(Command command) {
    if (command instanceof Command.Say say) {
      client.send(say.text());
    } else if (command instanceof Command.Create c) {
      client.create(c.name(), c.passcode(), c.capacity());
    } else if (command instanceof Command.Join j) {
      client.join(j.room(), j.passcode());
    } else if (command instanceof Command.Leave) {
      client.leave();
    } else if (command instanceof Command.Rooms rooms) {
      client.browse(rooms.filter()).thenAccept(listing -> gui().addWindow(new RoomBrowser(listing, (room, browser) -> {
        browser.close();
        if (room.passcode()) {
          gui().addWindow(new SecretPrompt("Passcode for #" + room.name(), "This room needs a passcode:",
              List.of("Passcode:"), 1, values -> client.join(room.id(), values.get(0))));
        } else {
          client.join(room.id(), null);
        }
      })));
    } else if (command instanceof Command.Dm dm) {
      client.dm(dm.username());
    } else if (command instanceof Command.Msg msg) {
      client.dm(msg.username()).thenAccept(room -> client.send(room.id(), msg.text()));
    } else if (command instanceof Command.Me me) {
      client.send(ChatClient.ACTION + me.action());
    } else if (command instanceof Command.Logout) {
      host.logout();
    } else if (command instanceof Command.Who) {
      client.who();
    } else if (command instanceof Command.Mentions) {
      client.mentions().thenAccept(inbox -> gui().addWindow(new MentionsWindow(inbox, client.state(), zone,
          (item, window) -> {
            window.close();
            client.switchTo(item.room());
            timeline.showSeq(item.seq());
          })));
    } else if (command instanceof Command.Unread) {
      timeline.toFirstUnread();
    } else if (command instanceof Command.ChangeRoom c) {
      client.changeRoom(new parley.protocol.RoomChange(c.name(), c.topic(), c.passcode(), c.capacity(),
          c.retention()));
    } else if (command instanceof Command.Moderate m) {
      client.moderate(m.action(), m.username(), m.reason());
    } else if (command instanceof Command.React r) {
      client.react(r.seq(), r.emoji());
    } else if (command instanceof Command.Group g) {
      client.group(g.usernames());
    } else if (command instanceof Command.Edit e) {
      client.edit(e.text());
    } else if (command instanceof Command.Delete d) {
      client.delete(d.seq());
    } else if (command instanceof Command.Reply r) {
      client.reply(r.seq(), r.text());
    } else if (command instanceof Command.Upload u) {
      client.upload(java.nio.file.Path.of(u.path()));
    } else if (command instanceof Command.Download d) {
      client.download(d.seq(), java.nio.file.Path.of(d.dir() == null ? "." : d.dir()));
    } else if (command instanceof Command.DeleteRoom) {
      String name = client.state().current().map(r -> r.displayName(client.state().me())).orElse("this room");
      gui().addWindow(new SecretPrompt("Delete " + name, "For everyone, with its whole history. Type delete to confirm.",
          List.of("Type delete:"), 0, values -> {
            if ("delete".equals(values.get(0).strip())) {
              client.deleteRoom();
            } else {
              client.notice("Not deleted: type delete to confirm.", true);
            }
          }));
    } else if (command instanceof Command.SetRole r) {
      client.setRole(r.username(), r.role());
    } else if (command instanceof Command.Sessions) {
      client.sessions();
    } else if (command instanceof Command.EndSession end) {
      client.endSession(end.id());
    } else if (command instanceof Command.Password) {
      gui().addWindow(new SecretPrompt("Change your password", "Your other logins will end; this one goes on.",
          List.of("Current password:", "New password:", "New password again:"), 3, values -> {
            if (!values.get(1).equals(values.get(2))) {
              client.notice("Password not changed: the two new ones differ.", true);
            } else {
              client.changePassword(values.get(0), values.get(1));
            }
          }));
    } else if (command instanceof Command.CloseAccount) {
      gui().addWindow(new SecretPrompt("Close your account", "For good: your name is never given again; your "
          + "messages stay, marked as from a closed account. Type \"close\" to confirm.",
          List.of("Password:", "Type close:"), 1, values -> {
            if (!"close".equals(values.get(1).strip())) {
              client.notice("Account not closed: type close in the second field to confirm.", true);
            } else {
              client.closeAccount(values.get(0)).thenRun(() -> loggedOut("account closed"));
            }
          }));
    } else if (command instanceof Command.Help) {
      for (String[] c : CommandParser.COMMANDS) {
        client.notice(String.format("%-40s %s", c[1], c[2]), false);
      }
      client.notice("F1 shows the keys too.", false);
    } else if (command instanceof Command.Quit) {
      host.quit();
    } else if (command instanceof Command.Invalid invalid) {
      client.notice(invalid.problem(), true);
    }
  }

  private void showHelp() {
    gui().addWindow(new HelpWindow());
  }

  private WindowBasedTextGUI gui() {
    return getTextGUI();
  }
}
