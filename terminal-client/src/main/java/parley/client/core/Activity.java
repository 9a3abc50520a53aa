package parley.client.core;

/** What happened in a room while the user looked elsewhere, lowest first (a hotlist level). */
public enum Activity {
  NONE,
  /** Someone joined or left. */
  LOW,
  /** New messages. */
  MESSAGE,
  /** A message in a DM. */
  DM,
  /** A message that mentions the user. */
  MENTION;

  public Activity max(Activity other) {
    return compareTo(other) >= 0 ? this : other;
  }

  /** Worth the bell and the highlight colour: a DM or a mention. */
  public boolean isHighlight() {
    return compareTo(DM) >= 0;
  }
}
