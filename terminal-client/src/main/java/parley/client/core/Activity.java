package parley.client.core;

/** What happened in a room while the user looked elsewhere, lowest first (a hotlist level). */
public enum Activity {
  NONE,
  /** Someone joined or left. */
  LOW,
  /** New messages. */
  MESSAGE,
  /** A message that mentions the user, or anything in a DM. */
  HIGHLIGHT;

  public Activity max(Activity other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
