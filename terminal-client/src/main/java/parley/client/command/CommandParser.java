package parley.client.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import parley.protocol.Retention;

/**
 * Turns an input line into a {@link Command}. A line not starting with '/' is a message; "//" sends a line that
 * starts with '/'.
 */
public final class CommandParser {

  /** Each command with its usage and what it does: {@code /help}, the help screen and Tab completion use it. */
  public static final List<String[]> COMMANDS = List.of(
      new String[] {"/create", "/create name [--passcode P] [--capacity N]",
          "create and enter a room (also --private, --unlisted)"},
      new String[] {"/join", "/join id [passcode] | link", "join a room by id, name or invite link; also /j"},
      new String[] {"/leave", "/leave", "leave the room in view"},
      new String[] {"/rooms", "/rooms [text]", "browse the public rooms (named with text), join one"},
      new String[] {"/dm", "/dm user", "open a direct conversation"},
      new String[] {"/msg", "/msg user text", "send text to user directly (opens the conversation)"},
      new String[] {"/group", "/group user user ...", "open the group DM with 2 to 9 people (the same one whoever opens it)"},
      new String[] {"/me", "/me action", "say what you do: \"/me waves\" shows as \"* you waves\""},
      new String[] {"/who", "/who", "list the members of the room in view"},
      new String[] {"/mentions", "/mentions", "your mentions and DMs, newest first; Enter opens one"},
      new String[] {"/search", "/search words", "find messages: words, \"a phrase\", from:bob, in:room"},
      new String[] {"/unread", "/unread", "jump to the first unread line of the room in view"},
      new String[] {"/clear", "/clear", "empty the view of this room (not its history)"},
      new String[] {"/edit", "/edit text", "your last message here now reads text (it shows as edited)"},
      new String[] {"/del", "/del [n]", "delete your last message here, or line n (owner, admins: anyone's)"},
      new String[] {"/reply", "/reply n text", "answer line n (the number a line starts with)"},
      new String[] {"/react", "/react n emoji", "put an emoji (or a :shortcode:) on line n, or take it off"},
      new String[] {"/report", "/report n [reason]", "report line n to the room's owner and admins (its writer is not told)"},
      new String[] {"/upload", "/upload path", "share a file in the room in view (progress below; Esc cancels)"},
      new String[] {"/download", "/download n [dir]", "save the file shared on line n (into dir); again resumes it"},
      new String[] {"/topic", "/topic text", "set the topic of the room in view (owner, admins); /topic alone clears it"},
      new String[] {"/rename", "/rename name", "rename the room in view (owner, admins)"},
      new String[] {"/passcode", "/passcode [P]", "set the room's passcode, or remove it with none (owner, admins)"},
      new String[] {"/capacity", "/capacity N", "set how many members the room holds (owner, admins)"},
      new String[] {"/retention", "/retention N | Nd | all", "keep the last N messages, or N days of them, or all (owner)"},
      new String[] {"/visibility", "/visibility public | unlisted | private",
          "who finds the room: listed, by its id, or by invitation only (owner, admins)"},
      new String[] {"/invite", "/invite user", "invite someone to the room in view, private or not (owner, admins)"},
      new String[] {"/link", "/link [uses] [Nd]", "make an invite link to the room in view: how many it admits, for N days"
          + " (7 unless given; owner, admins)"},
      new String[] {"/links", "/links", "list the invite links of the room in view, with their ids (owner, admins)"},
      new String[] {"/revokelink", "/revokelink id", "revoke an invite link (an id from /links): it admits nobody"},
      new String[] {"/kick", "/kick user [reason]", "remove someone from the room in view (owner, admins)"},
      new String[] {"/ban", "/ban user [reason]", "remove someone and keep them out (owner, admins)"},
      new String[] {"/unban", "/unban user", "let a banned user join again (owner, admins)"},
      new String[] {"/op", "/op user", "make a member an admin (owner)"},
      new String[] {"/deop", "/deop user", "make an admin a member again (owner)"},
      new String[] {"/owner", "/owner user", "hand the room over to a member; you stay an admin (owner)"},
      new String[] {"/reports", "/reports", "list the room's open reports, numbered (owner, admins)"},
      new String[] {"/resolve", "/resolve n dismiss | delete | kick | ban", "resolve report n: dismiss it, delete the"
          + " message, or kick or ban its writer (owner, admins)"},
      new String[] {"/whoinvites", "/whoinvites members | admins",
          "who may invite and make invite links: every member, or the owner and admins (owner, admins)"},
      new String[] {"/deleteroom", "/deleteroom", "delete the room in view and its history, for everyone (owner; asks first)"},
      new String[] {"/invites", "/invites", "list the invitations waiting for your answer, numbered"},
      new String[] {"/accept", "/accept [n | room id]", "accept invitation n (from /invites) and join its room or group DM"},
      new String[] {"/decline", "/decline [n | room id]", "decline invitation n"},
      new String[] {"/users", "/users text | --hide | --show", "find people by the start of their name; --hide leaves"
          + " the directory (they still reach you by name), --show comes back"},
      new String[] {"/block", "/block user", "keep user out of your DMs and group DMs (ends their invitations)"},
      new String[] {"/unblock", "/unblock user", "let a blocked user reach you again"},
      new String[] {"/blocks", "/blocks", "list the users you block"},
      new String[] {"/admin", "/admin users | audit | invite | off NAME | on NAME | signout NAME | signup open|invite|closed",
          "run the server (server admins): accounts, turning one off and on, who may sign up, the audit log"},
      new String[] {"/help", "/help", "list commands and keys"},
      new String[] {"/logout", "/logout", "log out: this login ends here and is forgotten"},
      new String[] {"/sessions", "/sessions", "list your logins (devices) with their ids"},
      new String[] {"/endsession", "/endsession id", "end one of your logins (an id from /sessions)"},
      new String[] {"/password", "/password", "change your password; your other logins end"},
      new String[] {"/closeaccount", "/closeaccount", "close your account for good (asks for the password)"},
      new String[] {"/quit", "/quit", "leave the client"});

  /** The commands that run a room and those of the account, shown as one line each by the F1 screen. */
  public static final List<String> RUNNING_A_ROOM =
      List.of("/topic", "/rename", "/passcode", "/capacity", "/retention", "/visibility", "/invite", "/link", "/links",
          "/revokelink", "/kick", "/ban", "/unban", "/op", "/deop", "/owner", "/deleteroom", "/whoinvites", "/reports",
          "/resolve");
  public static final List<String> ACCOUNT = List.of("/sessions", "/endsession", "/password", "/closeaccount",
      "/admin");
  public static final List<String> MESSAGES =
      List.of("/edit", "/del", "/reply", "/react", "/group", "/upload", "/download", "/report");
  /** What the view of the room shows, one line of the F1 screen. */
  public static final List<String> VIEW = List.of("/unread", "/clear");
  /** Invitations and blocks, one line of the F1 screen. */
  public static final List<String> INVITES =
      List.of("/users", "/invites", "/accept", "/decline", "/block", "/unblock", "/blocks");

  private static final List<String> VISIBILITIES = List.of("public", "unlisted", "private");

  private CommandParser() {}

  /** {@code /admin users | audit | off NAME | on NAME | signout NAME | signup open|closed}. */
  private static Command admin(List<String> words) {
    if (words.size() == 1 && List.of("users", "audit", "invite").contains(words.get(0))) {
      return new Command.AdminCommand(words.get(0), null);
    }
    if (words.size() == 2 && List.of("off", "on", "signout").contains(words.get(0))) {
      return new Command.AdminCommand(words.get(0), words.get(1).replaceFirst("^@", "").toLowerCase(Locale.ROOT));
    }
    if (words.size() == 2 && words.get(0).equals("signup") && List.of("open", "invite", "closed").contains(words.get(1))) {
      return new Command.AdminCommand("signup", words.get(1));
    }
    return usage("/admin");
  }

  /** {@code /link [uses] [Nd]}, in either order: a number of uses, a number of days. */
  private static Command link(List<String> words) {
    Integer uses = null;
    Integer days = null;
    for (String w : words) {
      String word = w.toLowerCase(Locale.ROOT);
      try {
        if (word.endsWith("d") && days == null) {
          days = Integer.parseInt(word.substring(0, word.length() - 1));
        } else if (uses == null) {
          uses = Integer.parseInt(word);
        } else {
          return usage("/link");
        }
      } catch (NumberFormatException e) {
        return usage("/link");
      }
    }
    return words.size() > 2 ? usage("/link") : new Command.MakeLink(uses, days);
  }

  /** {@code N} messages, {@code Nd} days, or {@code all} (also {@code off}): keep everything. */
  private static Command retention(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    if (w.equals("all") || w.equals("off")) {
      return new Command.ChangeRoom(null, null, null, null, new Retention(null, null));
    }
    try {
      return w.endsWith("d")
          ? new Command.ChangeRoom(null, null, null, null,
              new Retention(null, Integer.parseInt(w.substring(0, w.length() - 1))))
          : new Command.ChangeRoom(null, null, null, null, new Retention(Integer.parseInt(w), null));
    } catch (NumberFormatException e) {
      return usage("/retention");
    }
  }

  /** {@code ~/x} as the user's home would have it. */
  private static String expandHome(String path) {
    return path.equals("~") || path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
  }

  public static Command parse(String line) {
    String text = line.strip();
    if (text.startsWith("//")) {
      return new Command.Say(line.substring(line.indexOf('/') + 1));
    }
    if (!text.startsWith("/")) {
      return new Command.Say(line);
    }
    List<String> words = new ArrayList<>(Arrays.asList(text.split("\\s+")));
    String name = words.remove(0).toLowerCase(Locale.ROOT);
    switch (name) {
      case "/create":
        return create(words);
      case "/join":
      case "/j":
        return words.isEmpty() || words.size() > 2
            ? usage("/join")
            : new Command.Join(words.get(0), words.size() == 2 ? words.get(1) : null);
      case "/leave":
      case "/part":
        return words.isEmpty() ? new Command.Leave() : usage("/leave");
      case "/rooms":
      case "/list":
        return new Command.Rooms(words.isEmpty() ? null : String.join(" ", words));
      case "/dm":
      case "/query":
        return words.size() == 1 ? new Command.Dm(words.get(0).replaceFirst("^@", "")) : usage("/dm");
      case "/msg":
        if (words.size() == 1) {
          return new Command.Dm(words.get(0).replaceFirst("^@", ""));
        }
        return words.isEmpty() ? usage("/msg")
            : new Command.Msg(words.get(0).replaceFirst("^@", ""), rest(text, 2));
      case "/me":
        return words.isEmpty() ? usage("/me") : new Command.Me(rest(text, 1));
      case "/logout":
        return new Command.Logout();
      case "/who":
      case "/names":
        return new Command.Who();
      case "/mentions":
        return words.isEmpty() ? new Command.Mentions() : usage("/mentions");
      case "/search":
        return words.isEmpty() ? usage("/search") : new Command.Search(rest(text, 1));
      case "/unread":
        return words.isEmpty() ? new Command.Unread() : usage("/unread");
      case "/clear":
        return words.isEmpty() ? new Command.Clear() : usage("/clear");
      case "/away":
      case "/back":
        return new Command.Invalid("/away is not there yet: it needs a status that the server keeps for your "
            + "account (profiles), which it does not have. Others see you online while a client of yours is.");
      case "/group":
        return words.size() < 2 ? usage("/group") : new Command.Group(List.copyOf(words));
      case "/react":
        try {
          return words.size() != 2 ? usage("/react") : new Command.React(Long.parseLong(words.get(0)), words.get(1));
        } catch (NumberFormatException e) {
          return usage("/react");
        }
      case "/edit":
        return words.isEmpty() ? usage("/edit") : new Command.Edit(rest(text, 1));
      case "/del":
        try {
          return words.size() > 1 ? usage("/del") : new Command.Delete(words.isEmpty() ? null : Long.parseLong(words.get(0)));
        } catch (NumberFormatException e) {
          return usage("/del");
        }
      case "/upload":
        return words.isEmpty() ? usage("/upload") : new Command.Upload(expandHome(rest(text, 1)));
      case "/download":
        try {
          return words.isEmpty() || words.size() > 2 ? usage("/download")
              : new Command.Download(Long.parseLong(words.get(0).replace("#", "")),
                  words.size() == 2 ? expandHome(words.get(1)) : null);
        } catch (NumberFormatException e) {
          return usage("/download");
        }
      case "/reply":
        try {
          return words.size() < 2 ? usage("/reply") : new Command.Reply(Long.parseLong(words.get(0)), rest(text, 2));
        } catch (NumberFormatException e) {
          return usage("/reply");
        }
      case "/admin":
        return admin(words);
      case "/users":
        return words.size() != 1 ? usage("/users")
            : words.get(0).equals("--hide") ? new Command.Users(null, false)
            : words.get(0).equals("--show") ? new Command.Users(null, true)
            : new Command.Users(words.get(0).replaceFirst("^@", "").toLowerCase(Locale.ROOT), null);
      case "/report":
        try {
          return words.isEmpty() ? usage("/report")
              : new Command.Report(Long.parseLong(words.get(0)), emptyToNull(rest(text, 2)));
        } catch (NumberFormatException e) {
          return usage("/report");
        }
      case "/reports":
        return words.isEmpty() ? new Command.Reports() : usage("/reports");
      case "/resolve":
        try {
          return words.size() != 2 || !List.of("dismiss", "delete", "kick", "ban").contains(words.get(1))
              ? usage("/resolve") : new Command.Resolve(Integer.parseInt(words.get(0)), words.get(1));
        } catch (NumberFormatException e) {
          return usage("/resolve");
        }
      case "/topic":
        return new Command.ChangeRoom(null, rest(text, 1), null, null);
      case "/rename":
        return words.isEmpty() ? usage("/rename") : new Command.ChangeRoom(rest(text, 1), null, null, null);
      case "/passcode":
        return words.size() > 1 ? usage("/passcode")
            : new Command.ChangeRoom(null, null, words.isEmpty() ? "" : words.get(0), null);
      case "/capacity":
        try {
          return words.size() == 1 ? new Command.ChangeRoom(null, null, null, Integer.parseInt(words.get(0)))
              : usage("/capacity");
        } catch (NumberFormatException e) {
          return usage("/capacity");
        }
      case "/retention":
        return words.size() != 1 ? usage("/retention") : retention(words.get(0));
      case "/visibility":
        return words.size() != 1 || !VISIBILITIES.contains(words.get(0).toLowerCase(Locale.ROOT)) ? usage("/visibility")
            : new Command.ChangeRoom(null, null, null, null, null, words.get(0).toLowerCase(Locale.ROOT));
      case "/invite":
        return words.size() == 1 ? new Command.InviteUser(words.get(0).replaceFirst("^@", "")) : usage("/invite");
      case "/whoinvites":
        return words.size() != 1 || !List.of("members", "admins").contains(words.get(0).toLowerCase(Locale.ROOT))
            ? usage("/whoinvites")
            : new Command.ChangeRoom(null, null, null, null, null, null,
                words.get(0).equalsIgnoreCase("members"));
      case "/link":
        return link(words);
      case "/links":
        return words.isEmpty() ? new Command.Links() : usage("/links");
      case "/revokelink":
        return words.size() == 1 ? new Command.RevokeLink(words.get(0)) : usage("/revokelink");
      case "/kick":
      case "/ban":
        return words.isEmpty() ? usage(name)
            : new Command.Moderate(name.substring(1), words.get(0).replaceFirst("^@", ""), emptyToNull(rest(text, 2)));
      case "/unban":
        return words.size() == 1 ? new Command.Moderate("unban", words.get(0).replaceFirst("^@", ""), null)
            : usage("/unban");
      case "/deleteroom":
        return words.isEmpty() ? new Command.DeleteRoom() : usage("/deleteroom");
      case "/op":
      case "/deop":
      case "/owner":
        return words.size() == 1 ? new Command.SetRole(words.get(0).replaceFirst("^@", ""),
            switch (name) {
              case "/op" -> "admin";
              case "/deop" -> "member";
              default -> "owner";
            }) : usage(name);
      case "/sessions":
        return words.isEmpty() ? new Command.Sessions() : usage("/sessions");
      case "/endsession":
        return words.size() == 1 ? new Command.EndSession(words.get(0)) : usage("/endsession");
      case "/password":
        return words.isEmpty() ? new Command.Password()
            : new Command.Invalid("/password takes no arguments: it asks for the passwords where they are not shown.");
      case "/closeaccount":
        return words.isEmpty() ? new Command.CloseAccount() : usage("/closeaccount");
      case "/invites":
        return words.isEmpty() ? new Command.Invites() : usage("/invites");
      case "/accept":
        return words.size() > 1 ? usage("/accept") : new Command.Accept(words.isEmpty() ? null : words.get(0));
      case "/decline":
        return words.size() > 1 ? usage("/decline") : new Command.Decline(words.isEmpty() ? null : words.get(0));
      case "/block":
        return words.size() == 1 ? new Command.Block(words.get(0).replaceFirst("^@", "")) : usage("/block");
      case "/unblock":
        return words.size() == 1 ? new Command.Unblock(words.get(0).replaceFirst("^@", "")) : usage("/unblock");
      case "/blocks":
        return words.isEmpty() ? new Command.Blocks() : usage("/blocks");
      case "/help":
        return new Command.Help();
      case "/quit":
      case "/exit":
        return new Command.Quit();
      default:
        return new Command.Invalid("Unknown command " + name + ". /help lists them; // starts a message with /.");
    }
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** The line after its first {@code words} words, as typed (inner spacing kept). */
  private static String rest(String line, int words) {
    String rest = line;
    for (int i = 0; i < words; i++) {
      rest = rest.strip();
      int space = rest.indexOf(' ');
      rest = space < 0 ? "" : rest.substring(space + 1);
    }
    return rest.strip();
  }

  private static Command create(List<String> words) {
    List<String> name = new ArrayList<>();
    String passcode = null;
    Integer capacity = null;
    String visibility = null;
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (w.equals("--private") || w.equals("--unlisted")) {
        visibility = w.substring(2);
      } else if (w.equals("--passcode") || w.equals("--capacity")) {
        if (i + 1 >= words.size()) {
          return usage("/create");
        }
        String value = words.get(++i);
        if (w.equals("--passcode")) {
          passcode = value;
        } else {
          try {
            capacity = Integer.valueOf(value);
          } catch (NumberFormatException e) {
            return new Command.Invalid("--capacity takes a number, not " + value + ".");
          }
        }
      } else if (w.startsWith("--")) {
        return usage("/create");
      } else {
        name.add(w);
      }
    }
    return name.isEmpty() ? usage("/create")
        : new Command.Create(String.join(" ", name), passcode, capacity, visibility);
  }

  private static Command usage(String command) {
    return COMMANDS.stream()
        .filter(c -> c[0].equals(command))
        .findFirst()
        .<Command>map(c -> new Command.Invalid("Usage: " + c[1]))
        .orElseThrow();
  }
}
