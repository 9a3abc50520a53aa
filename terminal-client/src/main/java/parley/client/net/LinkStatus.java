package parley.client.net;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a link stands. {@code lag} is the last ping/pong round trip (null before the first pong);
 * {@code retryAt} is when the next attempt starts while {@code RECONNECTING}; {@code detail} says why it is not
 * online.
 */
public record LinkStatus(State state, Duration lag, Instant retryAt, int attempt, String detail) {

  public enum State {
    /** The first connection is being made. */
    CONNECTING,
    /** Connected and greeted by the server. */
    ONLINE,
    /** The connection dropped; another attempt is scheduled or under way. */
    RECONNECTING,
    /** The server refused the token: nothing more will be tried. */
    LOGGED_OUT,
    /** Closed by the client. */
    CLOSED
  }

  public static LinkStatus connecting() {
    return new LinkStatus(State.CONNECTING, null, null, 0, null);
  }

  public boolean online() {
    return state == State.ONLINE;
  }
}
