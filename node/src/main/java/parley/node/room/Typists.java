package parley.node.room;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who is typing in one room: soft state of the room's actor, never stored, lost with the actor (an indicator then
 * ends on the clients at its {@code expiresAt}). Per member, when their typing was last relayed, when it expires, and
 * whether they type now: a member is relayed typing at most once per {@code relayEvery}, however often their devices
 * say so and whatever stops come between (a stop is relayed only after a relayed start), and one who goes quiet stops
 * typing {@code expiresAfter} after the last word from any of their devices.
 *
 * <p>The room as a whole relays at most {@code startsPerSecond} typing starts in any one second (renewals
 * included). Every relay goes to every connected member, so typing costs a room (typists x members) frames; the
 * budget bounds that in a busy room, where an indicator of more names than a client shows ("several people are
 * typing") tells nobody anything. A typist the budget passes over is relayed at their next typing frame that finds
 * room in it (clients repeat typing every 2 s while the user types), and, never relayed, needs no stop.
 */
final class Typists {
  private static final class Typist {
    long relayedAt;
    long expiresAt;
    boolean typing;
  }

  private final long relayEveryNanos;
  private final long expiresAfterNanos;
  private final int startsPerSecond;
  private final Map<String, Typist> byUser = new HashMap<>();
  /** The room's budget: starts relayed in the second that began at {@code windowStart} (System.nanoTime()). */
  private long windowStart;
  private int startsInWindow;

  Typists(Duration relayEvery, Duration expiresAfter, int startsPerSecond) {
    this.relayEveryNanos = relayEvery.toNanos();
    this.expiresAfterNanos = expiresAfter.toNanos();
    this.startsPerSecond = startsPerSecond;
    this.windowStart = System.nanoTime() - 1_000_000_000L;
  }

  /** The user typed at {@code now} (System.nanoTime()): true if the room mates are to be told (again). */
  boolean typed(String user, long now) {
    Typist t = byUser.get(user);
    if (t == null) {
      t = new Typist();
      t.relayedAt = now - relayEveryNanos;
      byUser.put(user, t);
    }
    t.expiresAt = now + expiresAfterNanos;
    if (now - t.relayedAt >= relayEveryNanos && withinBudget(now)) {
      t.relayedAt = now;
      t.typing = true;
      return true;
    }
    // Within the period: typing goes on as told; after a stop, the mates hear it at the next relay.
    return false;
  }

  /** True, and counted, if the room may relay one more start in the current second. */
  private boolean withinBudget(long now) {
    if (now - windowStart >= 1_000_000_000L) {
      windowStart = now;
      startsInWindow = 0;
    }
    if (startsInWindow >= startsPerSecond) {
      return false;
    }
    startsInWindow++;
    return true;
  }

  /** The user stopped (said so, sent, left, or went offline): true if the mates were told they type. */
  boolean stopped(String user) {
    Typist t = byUser.get(user);
    if (t == null || !t.typing) {
      return false;
    }
    t.typing = false;
    return true;
  }

  /** Those whose told typing expired by {@code now}, ended; members quiet for a period are forgotten. */
  List<String> expired(long now) {
    List<String> gone = new ArrayList<>(0);
    for (Iterator<Map.Entry<String, Typist>> it = byUser.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Typist> e = it.next();
      Typist t = e.getValue();
      if (t.typing && now - t.expiresAt >= 0) {
        t.typing = false;
        gone.add(e.getKey());
      }
      if (!t.typing && now - t.expiresAt >= 0 && now - t.relayedAt >= relayEveryNanos) {
        it.remove();
      }
    }
    return gone;
  }

  /** How long until the next expiry to look at, if anyone is remembered. */
  Optional<Duration> nextExpiry(long now) {
    long soonest = Long.MAX_VALUE;
    for (Typist t : byUser.values()) {
      soonest = Math.min(soonest, Math.max(t.expiresAt, t.relayedAt + relayEveryNanos) - now);
    }
    return byUser.isEmpty() ? Optional.empty() : Optional.of(Duration.ofNanos(Math.max(0, soonest)));
  }

  Duration expiresAfter() {
    return Duration.ofNanos(expiresAfterNanos);
  }
}
