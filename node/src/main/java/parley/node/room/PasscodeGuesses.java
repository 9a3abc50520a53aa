package parley.node.room;

import java.util.HashMap;
import java.util.Map;
import parley.node.limits.FailureBackoff;

/**
 * Wrong passcodes each user gave this room lately, and the wait they earn before the next one is even checked
 * ({@code parley.limits.passcode}, as failed logins earn theirs): every check is a BCrypt hash, slow on purpose, so an
 * unthrottled guesser would both guess and take the node's CPU from everyone else. Soft state of the room, on its
 * thread; a user's record goes with a right passcode, and records with nothing left to remember go when there are many.
 */
final class PasscodeGuesses {
  private static final int TRACKED = 1_000;
  private final FailureBackoff.Rule rule;
  private final Map<String, FailureBackoff> byUser = new HashMap<>();

  PasscodeGuesses(FailureBackoff.Rule rule) {
    this.rule = rule;
  }

  /** Milliseconds before {@code user}'s next passcode is checked (0: now). */
  long waitMillis(String user) {
    FailureBackoff b = byUser.get(user);
    return b == null ? 0 : b.waitMillis(System.nanoTime());
  }

  void wrong(String user) {
    long now = System.nanoTime();
    if (byUser.size() >= TRACKED) {
      byUser.values().removeIf(b -> !b.recent(now));
    }
    byUser.computeIfAbsent(user, u -> new FailureBackoff(rule)).failed(now);
  }

  void right(String user) {
    byUser.remove(user);
  }
}
