package parley.client.core;

import java.time.Instant;

/** A line the user sent that the server has not acknowledged yet; {@code failure} is set once it never will be. */
public record Pending(String clientMsgId, String text, Instant at, String failure) {

  public Pending failed(String why) {
    return new Pending(clientMsgId, text, at, why);
  }

  public boolean isFailed() {
    return failure != null;
  }
}
