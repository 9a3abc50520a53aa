package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowListenerAdapter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import parley.client.command.CommandParser;
import parley.client.command.InputHistory;
import parley.client.command.TabCompleter;
import parley.client.core.ChatClient;
import parley.client.core.RoomState;
import parley.client.net.LinkStatus;
import parley.protocol.Message;

/**
 * The main screen: rooms on the left, the timeline in the middle, members on the right, then the status bar and
 * the input line. It reads {@link parley.client.core.ChatState}, calls {@link ChatClient} as keys are pressed, and
 * hands each line entered to its {@link CommandRunner}; it runs, like everything that touches a widget, on the GUI
 * thread.
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
  private final InviteLine invites;
  private final CommandRunner commands;
  private final Label prompt = new Label("");
  private final TextBox input = new TextBox(new TerminalSize(20, 1));
  private final InputHistory history = new InputHistory();
  private final TabCompleter completer = new TabCompleter();
  /** What was typed and not sent in each room (by id; "" for the lobby), kept while another room is in view. */
  private final Map<String, String> drafts = new HashMap<>();
  /** The room whose draft the input line holds. */
  private String draftOf = "";
  /** The input line is being set to a room's draft: that is not the user typing. */
  private boolean restoringDraft;
  private boolean loggedOut;

  ChatWindow(ChatClient client, String server, Clock clock, ZoneId zone, Host host) {
    super("Parley");
    this.client = client;
    this.host = host;
    this.rooms = new RoomListView(client.state());
    this.timeline = new TimelineView(client, new TimelineLayout(zone), clock);
    this.members = new MemberListView(client.state(), clock);
    this.status = new StatusBar(client, server, clock);
    this.typing = new TypingLine(client.state(), clock);
    this.invites = new InviteLine(client.invitations());
    this.commands = new CommandRunner(client, host, timeline, zone, this::getTextGUI, this::loggedOut);
    setHints(List.of(Window.Hint.FULL_SCREEN, Window.Hint.NO_DECORATIONS));
    setTheme(ParleyTheme.screen());

    Panel middle = new Panel(new BorderLayout());
    middle.addComponent(rooms, BorderLayout.Location.LEFT);
    middle.addComponent(timeline, BorderLayout.Location.CENTER);
    middle.addComponent(members, BorderLayout.Location.RIGHT);
    Panel inputRow = new Panel(new BorderLayout());
    inputRow.addComponent(prompt, BorderLayout.Location.LEFT);
    inputRow.addComponent(input, BorderLayout.Location.CENTER);
    Panel lines = new Panel(new BorderLayout());
    lines.addComponent(typing, BorderLayout.Location.TOP);
    lines.addComponent(status, BorderLayout.Location.CENTER);
    Panel bars = new Panel(new BorderLayout());
    bars.addComponent(invites, BorderLayout.Location.TOP);
    bars.addComponent(lines, BorderLayout.Location.CENTER);
    Panel bottom = new Panel(new BorderLayout());
    bottom.addComponent(bars, BorderLayout.Location.TOP);
    bottom.addComponent(inputRow, BorderLayout.Location.CENTER);
    Panel root = new Panel(new BorderLayout());
    root.addComponent(middle, BorderLayout.Location.CENTER);
    root.addComponent(bottom, BorderLayout.Location.BOTTOM);
    setComponent(root);
    setFocusedInteractable(input);
    input.setTextChangeListener((text, byUser) -> {
      if (!restoringDraft) {
        client.inputChanged(text);
      }
    });
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
    swapDraft(room == null ? "" : room.id());
    rooms.invalidate();
    timeline.invalidate();
    members.invalidate();
    status.invalidate();
    typing.invalidate();
    invites.refresh();
    if (client.state().link().state() == LinkStatus.State.LOGGED_OUT) {
      loggedOut(client.state().link().detail());
    }
  }

  /**
   * Another room is in view (switched to by a key, a command, or the room in view going): the line typed in the one
   * before is kept for it, and the line typed here before comes back. Reconnects keep the room in view, and so the
   * line. A room no longer in the list takes its draft with it.
   */
  private void swapDraft(String roomId) {
    if (!roomId.equals(draftOf)) {
      if (input.getText().isEmpty()) {
        drafts.remove(draftOf);
      } else {
        drafts.put(draftOf, input.getText());
      }
      draftOf = roomId;
      restoringDraft = true;
      try {
        setInput(drafts.getOrDefault(roomId, ""));
      } finally {
        restoringDraft = false;
      }
    }
    drafts.keySet().removeIf(id -> !id.isEmpty() && client.state().room(id).isEmpty());
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
        String last = input.getText().isEmpty() ? client.messages().lastOwnText().orElse(null) : null;
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
        if (!client.files().cancelTransfer()) {
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
    commands.run(CommandParser.parse(line));
  }

  private void showHelp() {
    getTextGUI().addWindow(new HelpWindow());
  }
}
