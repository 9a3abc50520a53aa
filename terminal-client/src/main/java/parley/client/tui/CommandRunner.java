package parley.client.tui;

import com.googlecode.lanterna.gui2.WindowBasedTextGUI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import parley.client.command.Command;
import parley.client.command.CommandParser;
import parley.client.core.ChatClient;
import parley.protocol.RoomChange;

/**
 * Runs what the user typed on the main screen's input line: each {@link Command} becomes a call on the
 * {@link ChatClient}, a dialog (the room browser, the mentions inbox, the prompts for secrets and confirmations) or a
 * move of the timeline. Short numbers typed for a message are read against the timeline in view. Runs on the GUI
 * thread, like {@link ChatWindow}.
 */
final class CommandRunner {
  private final ChatClient client;
  private final ChatWindow.Host host;
  private final TimelineView timeline;
  private final ZoneId zone;
  private final Supplier<WindowBasedTextGUI> gui;
  /** Back to the login screen, with why: once the account is closed. */
  private final Consumer<String> loggedOut;

  CommandRunner(ChatClient client, ChatWindow.Host host, TimelineView timeline, ZoneId zone,
      Supplier<WindowBasedTextGUI> gui, Consumer<String> loggedOut) {
    this.client = client;
    this.host = host;
    this.timeline = timeline;
    this.zone = zone;
    this.gui = gui;
    this.loggedOut = loggedOut;
  }

  void run(Command command) {
    if (command instanceof Command.Say say) {
      client.send(say.text());
    } else if (command instanceof Command.Create c) {
      client.rooms().create(c.name(), c.passcode(), c.capacity(), c.visibility());
    } else if (command instanceof Command.Join j) {
      client.rooms().join(j.room(), j.passcode());
    } else if (command instanceof Command.Leave) {
      client.rooms().leave();
    } else if (command instanceof Command.Rooms rooms) {
      browse(rooms.filter());
    } else if (command instanceof Command.Dm dm) {
      client.rooms().dm(dm.username());
    } else if (command instanceof Command.Msg msg) {
      client.rooms().dm(msg.username()).thenAccept(room -> client.send(room.id(), msg.text()));
    } else if (command instanceof Command.Me me) {
      client.send(ChatClient.ACTION + me.action());
    } else if (command instanceof Command.Logout) {
      host.logout();
    } else if (command instanceof Command.Who) {
      client.rooms().who();
    } else if (command instanceof Command.Mentions) {
      mentions();
    } else if (command instanceof Command.Search s) {
      search(s.query());
    } else if (command instanceof Command.Unread) {
      timeline.toFirstUnread();
    } else if (command instanceof Command.Clear) {
      timeline.clear();
    } else if (command instanceof Command.ChangeRoom c) {
      client.rooms().changeRoom(new RoomChange(c.name(), c.topic(), c.passcode(), c.capacity(), c.retention(),
          c.visibility(), c.membersInvite()));
    } else if (command instanceof Command.MakeLink l) {
      client.rooms().makeLink(l.maxUses(), l.days());
    } else if (command instanceof Command.Links) {
      client.rooms().links();
    } else if (command instanceof Command.RevokeLink r) {
      client.rooms().revokeLink(r.id());
    } else if (command instanceof Command.InviteUser i) {
      client.rooms().invite(i.username());
    } else if (command instanceof Command.Moderate m) {
      client.rooms().moderate(m.action(), m.username(), m.reason());
    } else if (command instanceof Command.React r) {
      client.messages().react(timeline.seqOf(r.seq()), r.emoji());
    } else if (command instanceof Command.Group g) {
      client.rooms().group(g.usernames());
    } else if (command instanceof Command.Edit e) {
      client.messages().edit(e.text());
    } else if (command instanceof Command.Delete d) {
      client.messages().delete(d.seq() == null ? null : timeline.seqOf(d.seq()));
    } else if (command instanceof Command.Users u) {
      if (u.listed() != null) {
        client.invitations().setListed(u.listed());
      } else {
        client.invitations().findUsers(u.prefix());
      }
    } else if (command instanceof Command.AdminCommand a) {
      switch (a.action()) {
        case "users" -> client.admin().users();
        case "audit" -> client.admin().audit();
        case "invite" -> client.admin().invite();
        case "off" -> client.admin().setDeactivated(a.argument(), true);
        case "on" -> client.admin().setDeactivated(a.argument(), false);
        case "signout" -> client.admin().signOut(a.argument());
        default -> client.admin().signup(a.argument());
      }
    } else if (command instanceof Command.Report r) {
      client.rooms().report(timeline.seqOf(r.line()), r.reason());
    } else if (command instanceof Command.Reports) {
      client.rooms().reports();
    } else if (command instanceof Command.Resolve r) {
      client.rooms().resolve(r.n(), r.action());
    } else if (command instanceof Command.Reply r) {
      client.messages().reply(timeline.seqOf(r.seq()), r.text());
    } else if (command instanceof Command.Upload u) {
      client.files().upload(Path.of(u.path()));
    } else if (command instanceof Command.Download d) {
      client.files().download(timeline.seqOf(d.seq()), Path.of(d.dir() == null ? "." : d.dir()));
    } else if (command instanceof Command.DeleteRoom) {
      deleteRoom();
    } else if (command instanceof Command.SetRole r) {
      client.rooms().setRole(r.username(), r.role());
    } else if (command instanceof Command.Sessions) {
      client.account().sessions();
    } else if (command instanceof Command.EndSession end) {
      client.account().endSession(end.id());
    } else if (command instanceof Command.Password) {
      changePassword();
    } else if (command instanceof Command.CloseAccount) {
      closeAccount();
    } else if (command instanceof Command.Invites) {
      client.invitations().list();
    } else if (command instanceof Command.Accept a) {
      client.invitations().accept(a.which());
    } else if (command instanceof Command.Decline d) {
      client.invitations().decline(d.which());
    } else if (command instanceof Command.Block b) {
      client.invitations().block(b.username());
    } else if (command instanceof Command.Unblock u) {
      client.invitations().unblock(u.username());
    } else if (command instanceof Command.Blocks) {
      client.invitations().blocks();
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

  /** {@code /rooms}: the public rooms; choosing one joins it, asking for its passcode if it has one. */
  private void browse(String filter) {
    client.rooms().browse(filter).thenAccept(listing -> gui.get().addWindow(new RoomBrowser(listing,
        (room, browser) -> {
          browser.close();
          if (room.passcode()) {
            gui.get().addWindow(new SecretPrompt("Passcode for #" + room.name(), "This room needs a passcode:",
                List.of("Passcode:"), 1, values -> client.rooms().join(room.id(), values.get(0))));
          } else {
            client.rooms().join(room.id(), null);
          }
        })));
  }

  /** {@code /mentions}: the inbox; choosing an item shows its message in its room. */
  private void mentions() {
    client.mentions().thenAccept(inbox -> gui.get().addWindow(new MentionsWindow(inbox, client.state(), zone,
        (item, window) -> {
          window.close();
          jump(item.room(), item.seq());
        })));
  }

  /** {@code /search}: the hits in a window; choosing one shows its message in its room. */
  private void search(String query) {
    client.search().page(query, null).thenAccept(first -> gui.get().addWindow(new SearchWindow(query, first,
        client.state().me(), zone, next -> client.search().page(query, next), client.search()::behind,
        (hit, window) -> {
          window.close();
          jump(hit.room().id(), hit.seq());
        })));
  }

  /** The room comes into view with the page around {@code seq} loaded, the message at {@code seq} a third down. */
  private void jump(String roomId, long seq) {
    client.search().open(roomId, seq).thenRun(() -> timeline.showSeq(seq));
  }

  private void deleteRoom() {
    String name = client.state().current().map(r -> r.displayName(client.state().me())).orElse("this room");
    gui.get().addWindow(new SecretPrompt("Delete " + name,
        "For everyone, with its whole history. Type delete to confirm.", List.of("Type delete:"), 0, values -> {
          if ("delete".equals(values.get(0).strip())) {
            client.rooms().deleteRoom();
          } else {
            client.notice("Not deleted: type delete to confirm.", true);
          }
        }));
  }

  private void changePassword() {
    gui.get().addWindow(new SecretPrompt("Change your password", "Your other logins will end; this one goes on.",
        List.of("Current password:", "New password:", "New password again:"), 3, values -> {
          if (!values.get(1).equals(values.get(2))) {
            client.notice("Password not changed: the two new ones differ.", true);
          } else {
            client.account().changePassword(values.get(0), values.get(1));
          }
        }));
  }

  private void closeAccount() {
    gui.get().addWindow(new SecretPrompt("Close your account", "For good: your name is never given again; your "
        + "messages stay, marked as from a closed account. Type \"close\" to confirm.",
        List.of("Password:", "Type close:"), 1, values -> {
          if (!"close".equals(values.get(1).strip())) {
            client.notice("Account not closed: type close in the second field to confirm.", true);
          } else {
            client.account().closeAccount(values.get(0)).thenRun(() -> loggedOut.accept("account closed"));
          }
        }));
  }
}
