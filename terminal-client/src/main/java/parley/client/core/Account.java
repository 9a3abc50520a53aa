package parley.client.core;

import java.util.concurrent.CompletableFuture;
import parley.client.net.ApiException;
import parley.client.net.ParleyApi;

/**
 * The user's own account: their logins (one per device), their password, and closing the account. Each answer is a
 * line in the room in view. Runs on the client's thread, like {@link ChatClient}.
 */
public final class Account {
  private final ChatClient client;
  private final ParleyApi api;

  Account(ChatClient client) {
    this.client = client;
    this.api = client.api();
  }

  /** Lists the user's logins as notices, this one marked, each with the id {@code /endsession} takes. */
  public void sessions() {
    client.fetch(api.sessions(), (list, failure) -> {
      if (list == null) {
        client.notice("Could not list your logins: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      SessionLines.of(list).forEach(line -> client.notice(line, false));
    });
  }

  public void endSession(String id) {
    client.fetch(api.endSession(id), (ok, failure) -> client.notice(failure == null ? "That login has ended."
        : "Could not end it: " + ApiException.of(failure).getMessage(), failure != null));
  }

  /** Changes the password; this login stays, the others end. */
  public void changePassword(String current, String next) {
    client.fetch(api.changePassword(current, next), (ok, failure) -> client.notice(failure == null
        ? "Password changed. Your other logins have ended; this one goes on."
        : "Password not changed: " + ApiException.of(failure).getMessage(), failure != null));
  }

  /** Closes the account; done once the server has (its 4001 close then logs this client out). */
  public CompletableFuture<Void> closeAccount(String password) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    client.fetch(api.closeAccount(password), (ok, failure) -> {
      if (failure != null) {
        client.notice("Account not closed: " + ApiException.of(failure).getMessage(), true);
        done.completeExceptionally(failure);
      } else {
        done.complete(null);
      }
    });
    return done;
  }
}
