package parley.node.room;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Who is typing in one room: soft state of the room's actor, never stored, lost with the actor (an indicator then
 * ends on the clients at its {@code expiresAt}). Per member, when their typing was last relayed and when it expires:
 * a member who keeps typing is relayed at most once per {@code relayEvery}, however often their devices say so, and
 * one who goes quiet stops typing {@code expiresAfter} after the last word from any of their devices.
 */
final class Typists {
  private final long relayEveryNanos;
  private final long expiresAfterNanos;
  /** user -> {last relayed, expires at}, System.nanoTime() values. */
  private final Map<String, long[]> typing = new HashMap<>();

  Typists(Duration relayEvery, Duration expiresAfter) {
    this.relayEveryNanos = relayEvery.toNanos();
    this.expiresAfterNanos = expiresAfter.toNanos();
  }

  /** The user typed at {@code now}: true if the room mates are to be told (again). */
  boolean typed(String user, long now) {
    long[] t = typing.get(user);
    if (t == null) {
      typing.put(user, new long[] {now, now + expiresAfterNanos});
      return true;
    }
    t[1] = now + expiresAfterNanos;
    if (now - t[0] >= relayEveryNanos) {
      t[0] = now;
      return true;
    }
    return false;
  }

  /** The user stopped (said so, sent, or went offline): true if they were typing. */
  boolean stopped(String user) {
    return typing.remove(user) != null;
  }

  /** Those whose typing expired by {@code now}, forgotten. */
  List<String> expired(long now) {
    List<String> gone = new ArrayList<>(0);
    for (Iterator<Map.Entry<String, long[]>> it = typing.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, long[]> e = it.next();
      if (now - e.getValue()[1] >= 0) {
        gone.add(e.getKey());
        it.remove();
      }
    }
    return gone;
  }

  /** How long until the next typist expires, if anyone types. */
  java.util.Optional<Duration> nextExpiry(long now) {
    long soonest = Long.MAX_VALUE;
    for (long[] t : typing.values()) {
      soonest = Math.min(soonest, t[1] - now);
    }
    return typing.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos(Math.max(0, soonest)));
  }

  Duration expiresAfter() {
    return Duration.ofNanos(expiresAfterNanos);
  }
}
