package parley.client.command;

import java.util.List;
import parley.protocol.Retention;

/** What a line typed into the input means. */
public sealed interface Command {

  /** A message to the room in view. */
  record Say(String text) implements Command {}

  /** {@code visibility}: public (null), unlisted or private. */
  record Create(String name, String passcode, Integer capacity, String visibility) implements Command {
    public Create(String name, String passcode, Integer capacity) {
      this(name, passcode, capacity, null);
    }
  }

  record Join(String room, String passcode) implements Command {}

  record Leave() implements Command {}

  /** {@code /rooms [text]}: browse the public rooms, those whose name contains {@code filter} if given. */
  record Rooms(String filter) implements Command {}

  record Dm(String username) implements Command {}

  /** {@code /msg user text}: the DM with {@code username}, opened if need be, and {@code text} sent there. */
  record Msg(String username, String text) implements Command {}

  /** {@code /me action}: a message shown as "* sender action" (its text starts with "/me "). */
  record Me(String action) implements Command {}

  /** Revoke this login's token, forget it, and go back to the login screen. */
  record Logout() implements Command {}

  record Who() implements Command {}

  /** The notifications inbox: mentions and DMs, newest first. */
  record Mentions() implements Command {}

  /** {@code /search query}: the messages of the user's rooms that match {@code query} (the server's query language). */
  record Search(String query) implements Command {}

  /** Jump to the first unread line of the room in view. */
  record Unread() implements Command {}

  /** Clear the view of the room in view: its lines stay loaded and in its history, only hidden. */
  record Clear() implements Command {}

  /** Share the file at {@code path} in the room in view. */
  record Upload(String path) implements Command {}

  /** Download the file shared at {@code seq} into {@code dir} (null: the current directory). */
  record Download(long seq, String dir) implements Command {}

  /** Moderation of the room in view: its topic, name, passcode (null: remove it), capacity or visibility. */
  record ChangeRoom(String name, String topic, String passcode, Integer capacity, Retention retention,
      String visibility, Boolean membersInvite) implements Command {
    public ChangeRoom(String name, String topic, String passcode, Integer capacity, Retention retention,
        String visibility) {
      this(name, topic, passcode, capacity, retention, visibility, null);
    }

    public ChangeRoom(String name, String topic, String passcode, Integer capacity) {
      this(name, topic, passcode, capacity, null, null);
    }

    public ChangeRoom(String name, String topic, String passcode, Integer capacity, Retention retention) {
      this(name, topic, passcode, capacity, retention, null);
    }
  }

  /** A new invite link to the room in view (owner, admins): {@code maxUses} and {@code days}, each null for the default. */
  record MakeLink(Integer maxUses, Integer days) implements Command {}

  /** The invite links standing in the room in view (owner, admins). */
  record Links() implements Command {}

  /** The people whose name starts with {@code prefix}; or, {@code listed} non-null, in or out of the directory. */
  record Users(String prefix, Boolean listed) implements Command {}

  /** A server admin's command: {@code action} users, off, on, signout, signup or audit, with its argument. */
  record AdminCommand(String action, String argument) implements Command {}

  /** Report line {@code line} of the room in view to its owner and admins, with an optional reason. */
  record Report(long line, String reason) implements Command {}

  /** The open reports of the room in view, numbered (owner, admins). */
  record Reports() implements Command {}

  /** Resolve report {@code n} (from /reports): dismiss, delete, kick or ban. */
  record Resolve(int n, String action) implements Command {}

  /** Revoke the room's invite link {@code id} (owner, admins). */
  record RevokeLink(String id) implements Command {}

  /** Invite {@code username} to the room in view (owner, admins). */
  record InviteUser(String username) implements Command {}

  /** {@code action} kick, ban or unban {@code username}, with an optional {@code reason}. */
  record Moderate(String action, String username, String reason) implements Command {}

  /** The group DM with these people (2 to 9 of them). */
  record Group(List<String> usernames) implements Command {}

  /** Toggle your {@code emoji} on the message at {@code seq}. */
  record React(long seq, String emoji) implements Command {}

  /** Your last message here now reads {@code text}. */
  record Edit(String text) implements Command {}

  /** Delete the message at {@code seq} (null: your last one). */
  record Delete(Long seq) implements Command {}

  /** {@code text} answering the message at {@code seq}. */
  record Reply(long seq, String text) implements Command {}

  /** Delete the room in view (asks to confirm). */
  record DeleteRoom() implements Command {}

  /** Give {@code username} the {@code role} owner, admin or member (/owner, /op, /deop). */
  record SetRole(String username, String role) implements Command {}

  /** List this user's logins (devices), each with the id {@code /endsession} takes. */
  record Sessions() implements Command {}

  /** End one of this user's logins, by its id. */
  record EndSession(String id) implements Command {}

  /** Change the password (asked for in a masked prompt, never typed on the input line). */
  record Password() implements Command {}

  /** Close the account (its password asked for in a masked prompt). */
  record CloseAccount() implements Command {}

  /** The invitations waiting for an answer, numbered. */
  record Invites() implements Command {}

  /** Accept the invitation numbered {@code which}, or to the room of that id (null: the only one). */
  record Accept(String which) implements Command {}

  /** Decline the invitation numbered {@code which}, or to the room of that id (null: the only one). */
  record Decline(String which) implements Command {}

  /** Keep {@code username} out of the user's DMs and group DMs (their invitations end). */
  record Block(String username) implements Command {}

  record Unblock(String username) implements Command {}

  /** List whom the user blocks. */
  record Blocks() implements Command {}

  record Help() implements Command {}

  record Quit() implements Command {}

  /** A line that is not a valid command: {@code problem} says why, with the usage. */
  record Invalid(String problem) implements Command {}
}
