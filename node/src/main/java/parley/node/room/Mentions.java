package parley.node.room;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a message names. {@code @username} as a whole word, in any case, naming a member of the room (a name
 * that is not a member's is plain text); {@code @room} names every member, unless the room has over
 * {@link #ROOM_MENTION_MAX_MEMBERS} members and the sender is not its owner (then it is plain text too). A line
 * that starts with a member's name and a colon ({@code "dave: look"}, IRC's way of addressing someone, which the
 * terminal client's Tab completion writes) names that member too, decided here so that every client agrees. The sender
 * is never among those mentioned.
 */
final class Mentions {
  static final int ROOM_MENTION_MAX_MEMBERS = 50;
  /** '@', then a username's characters; not preceded by a character of a name or an address ("bob@host"). */
  private static final Pattern AT = Pattern.compile("(?<![\\p{Alnum}_.@-])@([A-Za-z0-9_.-]{3,32})(?![A-Za-z0-9_-])");
  /** A username and a colon at the very start, then a space or the end. */
  private static final Pattern ADDRESSED = Pattern.compile("^([A-Za-z0-9_.-]{3,32}):(?:\\s|$)");

  private Mentions() {}

  /** The members {@code text} mentions, in the order named (every other member, sorted, for {@code @room}). */
  static List<String> in(String text, String sender, Set<String> members, String owner) {
    if (text == null || (text.indexOf('@') < 0 && text.indexOf(':') < 0)) {
      return List.of();
    }
    Set<String> named = new LinkedHashSet<>();
    Matcher addressed = ADDRESSED.matcher(text);
    if (addressed.find() && members.contains(addressed.group(1).toLowerCase(Locale.ROOT))) {
      named.add(addressed.group(1).toLowerCase(Locale.ROOT));
    }
    Matcher m = AT.matcher(text);
    while (m.find()) {
      // A name may end a sentence: "@bob." names bob.
      String name = m.group(1).toLowerCase(Locale.ROOT);
      while (name.endsWith(".") && !members.contains(name)) {
        name = name.substring(0, name.length() - 1);
      }
      if (name.equals("room")) {
        if (members.size() <= ROOM_MENTION_MAX_MEMBERS || sender.equals(owner)) {
          members.stream().sorted().forEach(named::add);
        }
      } else if (members.contains(name)) {
        named.add(name);
      }
    }
    named.remove(sender);
    return named.isEmpty() ? List.of() : new ArrayList<>(named);
  }
}
