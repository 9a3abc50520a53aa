package parley.node.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.admin.ServerAdmin;
import parley.node.user.UserAccount;
import parley.protocol.UserDirectory;
import parley.protocol.UserPresence;

/**
 * v1.4: the user directory. {@code GET /users?q=} finds listed accounts by the start of their name (an account that
 * asked not to be listed, was turned off or closed is not found; it is still reached by its exact name), and
 * {@code /me/directory} says and sets whether the caller is listed. Lookups are counted per user.
 */
final class DirectoryRoutes extends RouteSupport {
  private static final int PAGE_MAX = 50;
  private static final int QUERY_MAX = 32;
  private final ServerAdmin server;
  private final int lookupsPerWindow;
  private final Duration lookupWindow;

  DirectoryRoutes(ActorSystem<?> system) {
    super(system);
    this.server = ServerAdmin.get(system);
    this.lookupsPerWindow = system.settings().config().getInt("parley.limits.directory-per-window");
    this.lookupWindow = system.settings().config().getDuration("parley.limits.directory-window");
  }

  Route forCaller(Caller caller) {
    return concat(
        path("users", () -> get(() -> find(caller))),
        path(segmentMe(), () -> concat(
            get(() -> onSuccess(server.listed(caller.username()), listed ->
                complete(StatusCodes.OK, new UserDirectory.Listing(listed.orElse(false)), JSON))),
            put(() -> body(UserDirectory.Listing.class, b -> setListed(caller, b))))));
  }

  private static org.apache.pekko.http.javadsl.server.PathMatcher0 segmentMe() {
    return org.apache.pekko.http.javadsl.server.PathMatchers.segment("me").slash("directory");
  }

  private Route find(Caller caller) {
    return parameterOptional("q", q -> parameterOptional("after", after -> parameterOptional("limit", limit -> {
      String prefix = q.map(String::strip).map(s -> s.replaceFirst("^@", "")).orElse("").toLowerCase(java.util.Locale.ROOT);
      if (prefix.isEmpty() || prefix.codePointCount(0, prefix.length()) > QUERY_MAX) {
        return invalidQuery("q is the start of a name, 1 to " + QUERY_MAX + " characters");
      }
      int n;
      try {
        n = limit.map(Integer::parseInt).orElse(20);
      } catch (NumberFormatException e) {
        return invalidQuery("limit is a whole number");
      }
      if (n < 1 || n > PAGE_MAX) {
        return invalidQuery("limit is 1 to " + PAGE_MAX);
      }
      CompletionStage<Object> found = take(caller.username(), "directory", lookupsPerWindow, lookupWindow,
          "too_many_lookups", "made", "directory lookups", "parley.limits.directory-per-window")
          .thenCompose(allowed -> allowed != UserAccount.Done.INSTANCE ? CompletableFuture.completedFuture(allowed)
              : server.directory(prefix, after.orElse(null), n + 1).thenCompose(names -> {
                List<String> shown = names.size() > n ? names.subList(0, n) : names;
                List<CompletableFuture<UserAccount.PresenceView>> asked = shown.stream()
                    .map(name -> user(name).<UserAccount.PresenceView>ask(UserAccount.GetPresence::new, timeout)
                        .toCompletableFuture())
                    .toList();
                return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(v ->
                    (Object) new UserDirectory(asked.stream().map(CompletableFuture::join)
                        .filter(UserAccount.PresenceView::exists)
                        .map(p -> new UserPresence(p.username(), p.online(), p.lastSeen())).toList(),
                        names.size() > n ? shown.get(shown.size() - 1) : null));
              }));
      return onSuccess(found, result -> result instanceof UserDirectory d ? complete(StatusCodes.OK, d, JSON)
          : rejected(result));
    })));
  }

  private Route setListed(Caller caller, UserDirectory.Listing body) {
    if (body.listed() == null) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "listed is true or false");
    }
    return onSuccess(server.setListed(caller.username(), body.listed()), changed ->
        complete(StatusCodes.OK, new UserDirectory.Listing(body.listed()), JSON));
  }
}
