package parley.client.command;

/** What a line typed into the input means. */
public sealed interface Command {

  /** A message to the room in view. */
  record Say(String text) implements Command {}

  record Create(String name, String passcode, Integer capacity) implements Command {}

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

  /** Jump to the first unread line of the room in view. */
  record Unread() implements Command {}

  /** v1.1: share the file at {@code path} in the room in view. */
  record Upload(String path) implements Command {}

  /** v1.1: download the file shared at {@code seq} into {@code dir} (null: the current directory). */
  record Download(long seq, String dir) implements Command {}

  /** v1.1, moderation of the room in view: its topic, name, passcode (null: remove it) or capacity. */
  record ChangeRoom(String name, String topic, String passcode, Integer capacity, parley.protocol.Retention retention)
      implements Command {
    public ChangeRoom(String name, String topic, String passcode, Integer capacity) {
      this(name, topic, passcode, capacity, null);
    }
  }

  /** v1.1: {@code action} kick, ban or unban {@code username}, with an optional {@code reason}. */
  record Moderate(String action, String username, String reason) implements Command {}

  /** v1.1: the group DM with these people (2 to 9 of them). */
  record Group(java.util.List<String> usernames) implements Command {}

  /** v1.1: toggle your {@code emoji} on the message at {@code seq}. */
  record React(long seq, String emoji) implements Command {}

  /** v1.1: your last message here now reads {@code text}. */
  record Edit(String text) implements Command {}

  /** v1.1: delete the message at {@code seq} (null: your last one). */
  record Delete(Long seq) implements Command {}

  /** v1.1: {@code text} answering the message at {@code seq}. */
  record Reply(long seq, String text) implements Command {}

  /** v1.1: delete the room in view (asks to confirm). */
  record DeleteRoom() implements Command {}

  /** v1.1: give {@code username} the {@code role} owner, admin or member (/owner, /op, /deop). */
  record SetRole(String username, String role) implements Command {}

  /** v1.1: list this user's logins (devices), each with the id {@code /endsession} takes. */
  record Sessions() implements Command {}

  /** v1.1: end one of this user's logins, by its id. */
  record EndSession(String id) implements Command {}

  /** v1.1: change the password (asked for in a masked prompt, never typed on the input line). */
  record Password() implements Command {}

  /** v1.1: close the account (its password asked for in a masked prompt). */
  record CloseAccount() implements Command {}

  record Help() implements Command {}

  record Quit() implements Command {}

  /** A line that is not a valid command: {@code problem} says why, with the usage. */
  record Invalid(String problem) implements Command {}
}
