package parley.protocol;

/** The limits of protocol v1, in one place for the node and the clients. */
public final class Limits {
  private Limits() {}

  public static final int USERNAME_MIN = 3;
  public static final int USERNAME_MAX = 32;
  public static final String USERNAME_PATTERN = "[a-z0-9_.-]{3,32}";
  public static final int PASSWORD_MIN_CHARS = 8;
  public static final int PASSWORD_MAX_UTF8_BYTES = 72;
  public static final int ROOM_NAME_MAX = 64;
  /** v1.1: a room's topic, in code points. */
  public static final int TOPIC_MAX = 500;
  /** v1.1: the reason given with a kick or a ban, in code points. */
  public static final int REASON_MAX = 300;
  /** v1.1, files: a file's name, in UTF-8 bytes. Sizes and quotas are the node's settings (parley.files). */
  public static final int FILE_NAME_MAX_BYTES = 255;
  /** v1.1, retention: a room keeps at least this many entries, and at most this many days are counted. */
  public static final int RETENTION_MESSAGES_MIN = 10;
  public static final int RETENTION_MESSAGES_MAX = 100_000_000;
  public static final int RETENTION_DAYS_MAX = 36_500;
  /** v1.1: a group DM holds the one who opens it and 2 to this many others. */
  public static final int GROUP_OTHERS_MAX = 9;
  public static final int CAPACITY_MIN = 2;
  public static final int CAPACITY_MAX = 10_000;
  public static final int CAPACITY_DEFAULT = 1_000;
  public static final int MESSAGE_MAX_CHARS = 4_000;
  public static final int CLIENT_MSG_ID_MAX = 64;
  public static final int PAGE_DEFAULT = 50;
  public static final int PAGE_MAX = 200;
  /** {@code GET /rooms}: rooms per page by default (at most {@link #PAGE_MAX}). */
  public static final int ROOM_LIST_DEFAULT = 100;
  public static final int FRAME_MAX_BYTES = 64 * 1024;
  public static final int PASSCODE_MAX_UTF8_BYTES = 72;
  /** A room's new passcode has at least this many characters (one already set stays as it is). */
  public static final int PASSCODE_MIN_CHARS = 6;
  /** Rooms a WebSocket handshake may name in {@code after} (where to resume each). */
  public static final int RESUME_ROOMS_MAX = 1_000;
  /** v1.2, search: a query's length in characters (code points), and its terms (words, phrases, filters). */
  public static final int SEARCH_QUERY_MAX_CHARS = 256;
  public static final int SEARCH_TERMS_MAX = 16;
}
