package parley.protocol;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * v1.2: the one table of reaction shortcodes. A reaction is always stored and sent as the emoji itself; a client may
 * send {@code :tada:}, and the node writes 🎉, so that every client shows one reaction, not two chips for the same
 * thing. A shortcode not in this table is refused ({@code invalid_emoji}). docs/protocol.md lists the table.
 */
public final class Shortcodes {
  private Shortcodes() {}

  private static final Map<String, String> TABLE = table(
      "+1", "👍", "thumbsup", "👍", "-1", "👎", "thumbsdown", "👎", "heart", "❤️", "tada", "🎉", "joy", "😂",
      "smile", "😄", "grin", "😁", "laughing", "😆", "slightly_smiling_face", "🙂", "wink", "😉", "blush", "😊",
      "heart_eyes", "😍", "thinking", "🤔", "thinking_face", "🤔", "neutral_face", "😐", "confused", "😕",
      "cry", "😢", "sob", "😭", "rage", "😡", "angry", "😠", "scream", "😱", "sweat_smile", "😅", "sunglasses", "😎",
      "upside_down_face", "🙃", "rofl", "🤣", "hugs", "🤗", "shrug", "🤷", "facepalm", "🤦", "eyes", "👀",
      "fire", "🔥", "rocket", "🚀", "100", "💯", "star", "⭐", "sparkles", "✨", "zap", "⚡", "boom", "💥",
      "clap", "👏", "wave", "👋", "pray", "🙏", "raised_hands", "🙌", "ok_hand", "👌", "muscle", "💪",
      "point_up", "☝️", "v", "✌️", "handshake", "🤝", "white_check_mark", "✅", "heavy_check_mark", "✔️",
      "x", "❌", "warning", "⚠️", "question", "❓", "exclamation", "❗", "bulb", "💡", "memo", "📝",
      "paperclip", "📎", "lock", "🔒", "bug", "🐛", "coffee", "☕", "beer", "🍺", "pizza", "🍕", "cake", "🍰",
      "gift", "🎁", "trophy", "🏆", "medal", "🏅", "checkered_flag", "🏁", "calendar", "📅", "hourglass", "⌛",
      "skull", "💀", "ghost", "👻", "poop", "💩", "see_no_evil", "🙈", "broken_heart", "💔", "green_heart", "💚",
      "blue_heart", "💙", "purple_heart", "💜", "yellow_heart", "💛", "sun", "☀️", "rainbow", "🌈", "seedling", "🌱",
      "party", "🥳", "partying_face", "🥳", "melting_face", "🫠", "salute", "🫡", "saluting_face", "🫡");

  private static Map<String, String> table(String... pairs) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  /** Every shortcode, without colons, with its emoji, in name order. */
  public static Map<String, String> all() {
    return TABLE;
  }

  /**
   * The stored form of a reaction: the emoji of a known {@code :shortcode:}, null for an unknown one, and anything
   * that is not a shortcode as it is.
   */
  public static String canonical(String reaction) {
    if (reaction != null && reaction.length() > 2 && reaction.startsWith(":") && reaction.endsWith(":")) {
      return TABLE.get(reaction.substring(1, reaction.length() - 1));
    }
    return reaction;
  }

  /** The shortcode of an emoji (its first name in the table), or null: for terminals that cannot draw it. */
  public static String nameOf(String emoji) {
    for (Map.Entry<String, String> e : TABLE.entrySet()) {
      if (e.getValue().equals(emoji)) {
        return e.getKey();
      }
    }
    return null;
  }
}
