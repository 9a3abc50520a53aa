package parley.client.core;

import java.util.concurrent.CompletableFuture;
import parley.client.net.ApiException;
import parley.protocol.Room;

/** What a join stopped by a room's passcode tells the user. */
final class Passcodes {
  private Passcodes() {}

  /**
   * The join, its refusal for want of a passcode turned into how to give one: {@code passcode_required} (v1.2), or
   * {@code wrong_passcode} for a join that gave none (what a v1.1 server says). Every other refusal (a wrong
   * passcode, too many of them, a passcode too short) is the server's own message.
   */
  static CompletableFuture<Room> explained(CompletableFuture<Room> join, String typed, String passcode) {
    return join.exceptionallyCompose(failure -> {
      ApiException e = ApiException.of(failure);
      boolean none = passcode == null || passcode.isEmpty();
      if ("passcode_required".equals(e.code()) || (none && "wrong_passcode".equals(e.code()))) {
        String room = SafeText.oneLine(typed);
        e = new ApiException(e.status(), "passcode_required",
            room + " needs a passcode: /join " + room + " <passcode>");
      }
      return CompletableFuture.failedFuture(e);
    });
  }
}
