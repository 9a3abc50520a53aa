package parley.node;

import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import parley.protocol.Limits;
import parley.protocol.Shortcodes;

/** The input rules of protocol v1; each broken rule has its own error code and says the limit. */
public final class Validation {
  private static final Pattern USERNAME = Pattern.compile(Limits.USERNAME_PATTERN);
  private static final Pattern ROOM_ID = Pattern.compile("[a-z0-9]{1,32}|dm:[a-z0-9_.-]{3,32}:[a-z0-9_.-]{3,32}");

  private Validation() {}

  /** A rule that was broken: the error code and a message for people. */
  public record Problem(String code, String message) {}

  public static String canonicalUsername(String username) {
    return username == null ? null : username.trim().toLowerCase(Locale.ROOT);
  }

  public static boolean isValidUsername(String canonical) {
    return canonical != null && USERNAME.matcher(canonical).matches();
  }

  public static boolean isValidRoomId(String id) {
    return id != null && ROOM_ID.matcher(id).matches();
  }

  /**
   * A WebSocket handshake's {@code after}: {@code <room>:<seq>} pairs separated by commas (a room id may itself
   * hold colons, a seq never does), each room once, each seq at least 0, at most {@link Limits#RESUME_ROOMS_MAX}
   * rooms. Empty when it breaks any of these.
   */
  public static Optional<Map<String, Long>> resumePoints(String raw) {
    Map<String, Long> points = new HashMap<>();
    if (raw.isEmpty()) {
      return Optional.of(points);
    }
    for (String pair : raw.split(",", -1)) {
      int colon = pair.lastIndexOf(':');
      if (colon <= 0 || colon == pair.length() - 1) {
        return Optional.empty();
      }
      String room = pair.substring(0, colon);
      String seq = pair.substring(colon + 1);
      if (seq.length() > 18 || !seq.chars().allMatch(c -> c >= '0' && c <= '9') || !isValidRoomId(room)
          || points.put(room, Long.parseLong(seq)) != null || points.size() > Limits.RESUME_ROOMS_MAX) {
        return Optional.empty();
      }
    }
    return Optional.of(points);
  }

  public static Optional<Problem> signup(String canonicalUsername, String password) {
    if (!isValidUsername(canonicalUsername)) {
      return problem("invalid_username", "a username is 3 to 32 characters of a-z, 0-9, '_', '.' or '-'");
    }
    if (password == null || password.codePointCount(0, password.length()) < Limits.PASSWORD_MIN_CHARS) {
      return problem("weak_password", "a password needs at least " + Limits.PASSWORD_MIN_CHARS + " characters");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > Limits.PASSWORD_MAX_UTF8_BYTES) {
      return problem(
          "password_too_long", "a password may be at most " + Limits.PASSWORD_MAX_UTF8_BYTES + " bytes of UTF-8");
    }
    return Optional.empty();
  }

  /**
   * Whether every surrogate in {@code s} is one half of a pair. JSON can spell a lone one ({@code "\ud800"}), but
   * UTF-8 cannot carry it: the journal refused such an event, the room stopped, and the sender (and anyone whose
   * message was in the same write) waited out the ask timeout. So text that is kept must be well formed.
   */
  static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code s} has a character a reader can see: not only spaces (any kind), control or format characters
   * (zero-width space and joiner, bidi marks) and the few letters that render as nothing (Hangul fillers, the braille
   * blank). A message of nothing visible shows as an empty line from someone: a way to spam or impersonate, never a
   * thing a person means to say.
   */
  static boolean hasVisible(String s) {
    return s.codePoints().anyMatch(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c)
        && Character.getType(c) != Character.CONTROL && Character.getType(c) != Character.FORMAT
        && c != 0x115F && c != 0x1160 && c != 0x3164 && c != 0xFFA0 && c != 0x2800);
  }

  /**
   * The control character that makes {@code s} text Parley does not keep, or -1: any of C0 (U+0000 to U+001F) but
   * tab, line feed and carriage return. PostgreSQL's {@code text} and {@code jsonb} cannot hold NUL at all: one such
   * message once stopped the search feed of a whole cluster. The others would reach every reader's terminal as
   * commands. One rule for all text that is kept or searched ({@link #textProblem}); names, topics and reasons, being
   * one line, take no control character at all.
   */
  public static int forbiddenControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        return c;
      }
    }
    return -1;
  }

  /**
   * Why {@code s} cannot be kept as text (a message, an edit, a search query), or null: a surrogate without its pair
   * (UTF-8 cannot carry it) or a control character of {@link #forbiddenControl}.
   */
  public static String textProblem(String s) {
    if (!isWellFormed(s)) {
      return "must be valid Unicode (a surrogate needs its pair)";
    }
    int control = forbiddenControl(s);
    return control < 0 ? null
        : String.format("may hold no control character but tab and line breaks (U+%04X)", control);
  }

  /** Whether {@code s} holds a control character (C0, C1) or a bidi embedding, override or isolate. */
  static boolean hasControlOrBidi(String s) {
    return s.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL
        || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069));
  }

  /** A topic or a reason: valid Unicode with no control (so no line break) or bidi override character. */
  public static boolean isOneLine(String s) {
    return isWellFormed(s) && !hasControlOrBidi(s);
  }

  /**
   * Why a name (of a room, of a file) is refused, or null: every name follows one rule, so that two names that look
   * the same are the same. It is valid Unicode, shows a visible character, and holds no control, line or paragraph
   * separator, or format character (zero-width spaces, bidi marks, embeddings, overrides and isolates) but a
   * zero-width joiner inside an emoji sequence, where it is part of the picture.
   */
  public static String nameProblem(String name) {
    if (!isWellFormed(name)) {
      return "a name must be valid Unicode (a surrogate needs its pair)";
    }
    if (!hasVisible(name)) {
      return "a name needs a visible character";
    }
    int[] cps = name.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int type = Character.getType(cps[i]);
      boolean hidden = type == Character.CONTROL || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT;
      if (hidden && !(cps[i] == 0x200D && i > 0 && i + 1 < cps.length && isEmojiPart(cps[i - 1])
          && isEmojiPart(cps[i + 1]))) {
        return String.format("a name may hold no control, zero-width or bidi character (U+%04X)", cps[i]);
      }
    }
    return null;
  }

  /** A code point that an emoji ZWJ sequence joins: a pictograph, a variation selector or a skin tone modifier. */
  private static boolean isEmojiPart(int cp) {
    return Character.getType(cp) == Character.OTHER_SYMBOL || cp == 0xFE0F || (cp >= 0x1F3FB && cp <= 0x1F3FF);
  }

  public static Optional<Problem> room(String name, String passcode, Integer capacity) {
    if (name == null || name.isBlank() || name.codePointCount(0, name.length()) > Limits.ROOM_NAME_MAX) {
      return problem("invalid_room", "a room name is 1 to " + Limits.ROOM_NAME_MAX + " characters");
    }
    String nameProblem = nameProblem(name);
    if (nameProblem != null) {
      return problem("invalid_room", nameProblem);
    }
    if (passcode != null && textProblem(passcode) != null) {
      return problem("invalid_room", "a passcode " + textProblem(passcode));
    }
    if (capacity != null && (capacity < Limits.CAPACITY_MIN || capacity > Limits.CAPACITY_MAX)) {
      return problem(
          "invalid_room", "capacity must be between " + Limits.CAPACITY_MIN + " and " + Limits.CAPACITY_MAX);
    }
    if (passcode != null && passcode.codePointCount(0, passcode.length()) < Limits.PASSCODE_MIN_CHARS) {
      return problem("passcode_too_short", "a passcode has at least " + Limits.PASSCODE_MIN_CHARS + " characters");
    }
    if (passcode != null && passcode.getBytes(StandardCharsets.UTF_8).length > Limits.PASSCODE_MAX_UTF8_BYTES) {
      return problem(
          "invalid_room", "a passcode is at most " + Limits.PASSCODE_MAX_UTF8_BYTES + " bytes of UTF-8");
    }
    return Optional.empty();
  }

  private static final Pattern SHORTCODE = Pattern.compile(":[a-z0-9_+-]{1,32}:");

  /**
   * A reaction is one emoji (one grapheme, not a letter, digit or space) or a {@code :shortcode:} of
   * {@link parley.protocol.Shortcodes}' table, which the room stores as its emoji.
   */
  public static Optional<Problem> emoji(String emoji) {
    if (emoji != null && SHORTCODE.matcher(emoji).matches()) {
      return Shortcodes.canonical(emoji) != null ? Optional.empty()
          : problem("invalid_emoji", emoji + " is not a shortcode Parley knows: send the emoji itself, or one of the "
              + "shortcodes docs/protocol.md lists");
    }
    if (emoji != null && !emoji.isEmpty() && emoji.length() <= 32 && isWellFormed(emoji) && !hasControlOrBidi(emoji)) {
      BreakIterator graphemes = BreakIterator.getCharacterInstance(Locale.ROOT);
      graphemes.setText(emoji);
      int first = graphemes.next();
      int cp = emoji.codePointAt(0);
      if (first == emoji.length() && !Character.isLetterOrDigit(cp) && !Character.isWhitespace(cp) && cp > 0x7f) {
        return Optional.empty();
      }
    }
    return problem("invalid_emoji", "a reaction is one emoji, or a :shortcode: from the list in docs/protocol.md");
  }

  /**
   * A delete carries no text, only its clientMsgId: 1 to {@link Limits#CLIENT_MSG_ID_MAX} characters of valid
   * Unicode with no control character (it is stored, and looked up, as text).
   */
  public static Optional<Problem> clientMsgId(String clientMsgId) {
    if (clientMsgId == null || clientMsgId.isEmpty() || clientMsgId.length() > Limits.CLIENT_MSG_ID_MAX) {
      return problem("invalid_message", "clientMsgId is 1 to " + Limits.CLIENT_MSG_ID_MAX + " characters");
    }
    if (!isWellFormed(clientMsgId) || clientMsgId.codePoints().anyMatch(Character::isISOControl)) {
      return problem("invalid_message", "clientMsgId must be valid Unicode with no control character");
    }
    return Optional.empty();
  }

  public static Optional<Problem> message(String clientMsgId, String text) {
    var idProblem = clientMsgId(clientMsgId);
    if (idProblem.isPresent()) {
      return idProblem;
    }
    if (text == null || text.isBlank()) {
      return problem("invalid_message", "a message needs some text");
    }
    if (!hasVisible(text)) {
      return problem("invalid_message", "a message needs a visible character (not only spaces or zero-width ones)");
    }
    if (text.codePointCount(0, text.length()) > Limits.MESSAGE_MAX_CHARS) {
      return problem("invalid_message", "a message may be at most " + Limits.MESSAGE_MAX_CHARS + " characters");
    }
    String textProblem = textProblem(text);
    if (textProblem != null) {
      return problem("invalid_message", "a message " + textProblem);
    }
    return Optional.empty();
  }

  private static Optional<Problem> problem(String code, String message) {
    return Optional.of(new Problem(code, message));
  }
}
