package parley.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.NodeMetrics;
import parley.node.Secrets;
import parley.node.Validation;
import parley.node.admin.ServerAdmin;
import parley.node.delivery.RoomSummaries;
import parley.node.limits.AddressLimits;
import parley.node.user.UserAccount;
import parley.protocol.AccountClosure;
import parley.protocol.Credentials;
import parley.protocol.Limits;
import parley.protocol.LoginResponse;
import parley.protocol.Me;
import parley.protocol.NotificationList;
import parley.protocol.PasswordChange;
import parley.protocol.SessionList;
import parley.protocol.SignupResponse;
import parley.protocol.TicketResponse;
import parley.protocol.UserPresence;
import parley.protocol.UserSettings;

/**
 * Accounts and sessions: sign-up, login and logout, WebSocket tickets and the WebSocket itself (admitted by the user's
 * entity), {@code /me} and {@code /users}, and the bearer-token check every other call goes through.
 *
 * <p>Long because each account route maps its own answers to statuses and error codes, beside the token check that
 * every route depends on.
 */
final class AccountRoutes extends RouteSupport {
  private final Duration tokenTtl;
  private final Duration ticketTtl;
  private final WebSocketEndpoint webSockets;
  private final AddressLimits addresses;
  private final BrowserGuard browsers;
  /** The start of a login's User-Agent kept for the user's list of sessions. */
  private static final int USER_AGENT_KEPT = 200;

  private final ActivityLog activity;

  AccountRoutes(ActorSystem<?> system, WebSocketEndpoint webSockets, ActivityLog activity) {
    super(system);
    this.addresses = AddressLimits.of(system);
    this.browsers = new BrowserGuard(system.settings().config());
    Config config = system.settings().config();
    this.tokenTtl = config.getDuration("parley.auth.token-ttl");
    this.ticketTtl = config.getDuration("parley.auth.ticket-ttl");
    this.webSockets = webSockets;
    this.activity = activity;
  }

  /** The calls that need no token: sign-up, login, and the WebSocket (which takes a ticket or a token itself). */
  Route open() {
    return concat(
        path(segment("auth").slash("signup"), () -> post(() -> extractRequest(request ->
            body(Credentials.class, b -> cookieOrigin(b, request,
                () -> signup(b, ConnectionGuard.clientAddress(request).orElse(null))))))),
        path(segment("auth").slash("login"), () -> post(() -> extractRequest(request ->
            body(Credentials.class, b -> cookieOrigin(b, request, () -> login(b, request)))))),
        path("ws", () -> get(this::webSocket)));
  }

  /** The account's own calls, for an authenticated caller. */
  Route forCaller(Caller caller) {
    return concat(
        path(segment("auth").slash("logout"), () -> post(() -> logout(caller))),
        path(segment("auth").slash("ws-ticket"), () -> post(() -> ticket(caller))),
        path("me", () -> concat(
            get(() -> me(caller)),
            delete(() -> body(AccountClosure.class, b -> closeAccount(caller, b))))),
        path(segment("me").slash("notifications"), () -> get(() -> notifications(caller))),
        path(segment("me").slash("password"), () -> post(() -> body(PasswordChange.class, b -> changePassword(caller, b)))),
        path(segment("me").slash("sessions"), () -> get(() -> sessions(caller))),
        path(segment("me").slash("sessions").slash(segment()), id -> delete(() -> endSession(caller, id))),
        path(segment("me").slash("settings"), () -> concat(
            get(() -> settings(caller)),
            patch(() -> body(UserSettings.class, b -> changeSettings(caller, b))))),
        path(segment("users").slash(segment()), user -> get(() -> userPresence(user))));
  }

  /**
   * A sign-up or login that asks for the session cookie comes from the node's own pages or an allowed origin: a page
   * elsewhere could otherwise sign its visitor's browser in as the page's owner (login CSRF), and what the visitor
   * then sent or uploaded would go to that account.
   */
  private Route cookieOrigin(Credentials body, HttpRequest request,
      Supplier<Route> inner) {
    if (Boolean.TRUE.equals(body.cookie()) && !browsers.originAllowed(request, false)) {
      return error(StatusCodes.FORBIDDEN, "csrf_failed", "a sign-in that sets the session cookie must come from the "
          + "node's own pages or an origin in parley.http.allowed-origins (an Origin header)");
    }
    return inner.get();
  }

  /** {@code address}: the client's (null where unknown: a route under test), whose sign-ups are counted. */
  Route signup(Credentials body, InetAddress address) {
    String username = Validation.canonicalUsername(body.username());
    var problem = Validation.signup(username, body.password());
    if (problem.isPresent()) {
      return error(StatusCodes.BAD_REQUEST, problem.get().code(), problem.get().message());
    }
    long wait = addresses.takeSignup(address);
    if (wait > 0) {
      NodeMetrics.get(system).rateLimited("signup");
      return rateLimited("too many sign-ups from your address (parley.limits.signup: " + addresses.signupBurst()
          + " at once, " + addresses.signupsPerHour() + " an hour); try again in " + seconds(wait) + " s", wait);
    }
    ServerAdmin server = ServerAdmin.get(system);
    CompletionStage<UserAccount.Result> registered = server.signupPolicy().thenCompose(policy -> {
      if (ServerAdmin.OPEN.equals(policy)) {
        return register(username, body.password());
      }
      if (ServerAdmin.CLOSED.equals(policy)) {
        return CompletableFuture.completedFuture(new UserAccount.Rejected("signup_closed",
            "sign-up is closed on this server: its admins make the accounts"));
      }
      if (body.invite() == null) {
        return CompletableFuture.completedFuture(new UserAccount.Rejected("invite_required",
            "sign-up on this server takes an invitation from one of its admins"));
      }
      // The use is taken first, and given back if the name is taken: of two sign-ups on the last use, one is made.
      return server.claimSignupInvite(body.invite()).thenCompose(claimed -> !claimed
          ? CompletableFuture.completedFuture(new UserAccount.Rejected("invite_expired",
              "that invitation to sign up is unknown, used up or expired"))
          : register(username, body.password()).thenCompose(result -> result == UserAccount.Done.INSTANCE
              ? CompletableFuture.completedFuture(result)
              : server.releaseSignupInvite(body.invite()).thenApply(v -> result)));
    });
    return onSuccess(registered, result -> {
      if (result != UserAccount.Done.INSTANCE) {
        return rejected(result);
      }
      activity.signedUp();
      return complete(StatusCodes.CREATED, new SignupResponse(username), JSON);
    });
  }

  /**
   * A login, unless failed ones hold it back: those of the client's address (on this node), or those of the account
   * when the address failed too. A held-back login is not checked at all (no BCrypt), and says when to try again.
   */
  Route login(Credentials body, HttpRequest request) {
    InetAddress address = ConnectionGuard.clientAddress(request).orElse(null);
    String userAgent = request.getHeader("User-Agent").map(h -> h.value()).orElse(null);
    String username = Validation.canonicalUsername(body.username());
    if (!Validation.isValidUsername(username) || body.password() == null) {
      return badCredentials();
    }
    long addressWait = addresses.loginWait(address);
    if (addressWait > 0) {
      return loginThrottled("your address", addressWait);
    }
    boolean addressClean = !addresses.recentLoginFailure(address);
    CompletionStage<Object> login =
        user(username).<UserAccount.LoginCheck>ask(r -> new UserAccount.CheckLogin(addressClean, r), timeout)
            .thenCompose(check -> check.retryAfterMs() > 0
                ? CompletableFuture.completedFuture((Object) check)
                // No such user: a hash of nothing, checked all the same, so the answer takes as long.
                : CompletableFuture.supplyAsync(
                    () -> Secrets.checkPassword(body.password(), check.hash(), bcryptCost), blocking)
                    .thenCompose(ok -> ok ? unlessDeactivated(username, address, userAgent)
                        : failed(username, address)));
    login = login.whenComplete((response, failure) -> activity.loggedIn(response instanceof LoginResponse));
    return onSuccess(login, response -> response instanceof LoginResponse r
        ? (Boolean.TRUE.equals(body.cookie())
            // A browser's session: the token also as an HttpOnly cookie its scripts cannot read.
            ? setCookie(browsers.sessionCookie(r.token(), request), () -> complete(StatusCodes.OK, r, JSON))
            : complete(StatusCodes.OK, r, JSON))
        : response instanceof UserAccount.LoginCheck check ? loginThrottled("this account", check.retryAfterMs())
        : response instanceof UserAccount.Rejected refused ? rejected(refused)
        : badCredentials());
  }

  /**
   * A token for a right password, unless an admin turned the account off: asked before the token is made, and again
   * after, so that a login racing a deactivation keeps no token (the deactivation marks the account first, then ends
   * its tokens).
   */
  private CompletionStage<Object> unlessDeactivated(String username, InetAddress address, String userAgent) {
    ServerAdmin server = ServerAdmin.get(system);
    return server.isDeactivated(username).thenCompose(off -> off ? CompletableFuture.completedFuture(deactivated())
        : issueToken(username, address, userAgent).thenCompose(issued -> !(issued instanceof LoginResponse r)
            ? CompletableFuture.completedFuture(issued)
            : server.isDeactivated(username).thenCompose(offNow -> !offNow ? CompletableFuture.completedFuture(issued)
                : user(username).<UserAccount.Result>ask(x -> new UserAccount.RevokeToken(Secrets.sha256(r.token()), x),
                    timeout).thenApply(d -> deactivated()))));
  }

  private static Object deactivated() {
    return new UserAccount.Rejected("account_deactivated", "this account was deactivated by a server admin");
  }

  private Route loginThrottled(String whose, long wait) {
    NodeMetrics.get(system).rateLimited("login");
    return rateLimited("too many failed logins for " + whose + " (parley.limits.login); try again in "
        + seconds(wait) + " s", wait);
  }

  private static long seconds(long millis) {
    return (millis + 999) / 1000;
  }

  private CompletionStage<Object> failed(String username, InetAddress address) {
    addresses.loginFailed(address);
    user(username).tell(new UserAccount.LoginFailed());
    return CompletableFuture.completedFuture(Optional.empty());
  }

  private CompletionStage<Object> issueToken(String username, InetAddress address, String userAgent) {
    String token = Secrets.newToken(username);
    Instant expiresAt = now().plus(tokenTtl);
    String agent = userAgent == null ? null
        : userAgent.length() > USER_AGENT_KEPT ? userAgent.substring(0, USER_AGENT_KEPT) : userAgent;
    return user(username)
        .<UserAccount.Result>ask(r -> new UserAccount.IssueToken(Secrets.sha256(token), expiresAt,
            address == null ? null : address.getHostAddress(), agent, r), timeout)
        .thenApply(r -> r == UserAccount.Done.INSTANCE
            ? new LoginResponse(token, username, expiresAt)
            : Optional.empty());
  }

  /** A new password, given the current one. Every other token of the user dies, and its sockets (4001). */
  Route changePassword(Caller caller, PasswordChange body) {
    var problem = Validation.signup(caller.username(), body.newPassword());
    if (body.current() == null) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "current is the password now, new the one to set");
    }
    if (problem.isPresent()) {
      return error(StatusCodes.BAD_REQUEST, problem.get().code(), problem.get().message());
    }
    // A wrong current password is a failed login of the account: a stolen token cannot guess it faster than a login.
    CompletionStage<Object> changed =
        user(caller.username()).<UserAccount.LoginCheck>ask(r -> new UserAccount.CheckLogin(false, r), timeout)
            .thenCompose(check -> check.retryAfterMs() > 0
                ? CompletableFuture.completedFuture((Object) check)
                : CompletableFuture.supplyAsync(() -> Secrets.checkPassword(body.current(), check.hash(), bcryptCost)
                    ? Secrets.hashPassword(body.newPassword(), bcryptCost) : null, blocking)
                    .thenCompose(hash -> {
                      if (hash == null) {
                        user(caller.username()).tell(new UserAccount.LoginFailed());
                        return CompletableFuture.<Object>completedFuture(
                            new UserAccount.Rejected("wrong_password", "current is not your password"));
                      }
                      return user(caller.username()).<UserAccount.Result>ask(
                          r -> new UserAccount.ChangePassword(hash, caller.tokenHash(), r), timeout)
                          .thenApply(r -> (Object) r);
                    }));
    return onSuccess(changed, result -> result == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT)
        : result instanceof UserAccount.LoginCheck check ? loginThrottled("this account", check.retryAfterMs())
        : rejected(result));
  }

  /**
   * The account closed, given its password (a wrong one counts as a failed login, as for a password change):
   * every token dead, every socket closed (4001), the name never given again, the messages marked senderDeleted.
   */
  Route closeAccount(Caller caller, AccountClosure body) {
    if (body.password() == null) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "password is the account's password");
    }
    CompletionStage<Object> closed =
        user(caller.username()).<UserAccount.LoginCheck>ask(r -> new UserAccount.CheckLogin(false, r), timeout)
            .thenCompose(check -> check.retryAfterMs() > 0
                ? CompletableFuture.completedFuture((Object) check)
                : CompletableFuture.supplyAsync(
                    () -> Secrets.checkPassword(body.password(), check.hash(), bcryptCost), blocking)
                    .thenCompose(ok -> {
                      if (!ok) {
                        user(caller.username()).tell(new UserAccount.LoginFailed());
                        return CompletableFuture.<Object>completedFuture(
                            new UserAccount.Rejected("wrong_password", "that is not your password"));
                      }
                      return user(caller.username()).<UserAccount.Result>ask(UserAccount.CloseAccount::new, timeout)
                          .thenApply(r -> (Object) r);
                    }));
    return onSuccess(closed, result -> result == UserAccount.Done.INSTANCE
        ? extractRequest(request -> request.getHeader("Cookie").isPresent()
            ? setCookie(browsers.clearedCookie(request), () -> complete(StatusCodes.NO_CONTENT))
            : complete(StatusCodes.NO_CONTENT))
        : result instanceof UserAccount.LoginCheck check ? loginThrottled("this account", check.retryAfterMs())
        : rejected(result));
  }

  /** The user's live tokens, as the devices they are on. */
  Route sessions(Caller caller) {
    return onSuccess(
        user(caller.username()).<UserAccount.SessionsView>ask(
            r -> new UserAccount.ListSessions(caller.tokenHash(), r), timeout),
        view -> complete(StatusCodes.OK, new SessionList(view.sessions().stream()
            .map(d -> new SessionList.Item(d.id(), d.created(), d.lastUsed(), d.address(), d.userAgent(), d.current(),
                d.expiresAt()))
            .toList(), view.limit(), view.ended().stream()
            .map(e -> new SessionList.Ended(e.id(), e.created(), e.lastUsed(), e.address(), e.userAgent(), e.endedAt(),
                "session_limit"))
            .toList()), JSON));
  }

  Route endSession(Caller caller, String id) {
    return onSuccess(
        user(caller.username()).<UserAccount.Result>ask(r -> new UserAccount.RevokeSession(id, r), timeout),
        result -> result == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT) : rejected(result));
  }

  Route badCredentials() {
    return error(StatusCodes.UNAUTHORIZED, "bad_credentials", "wrong username or password");
  }

  Route logout(Caller caller) {
    return onSuccess(
        user(caller.username()).<UserAccount.Result>ask(r -> new UserAccount.RevokeToken(caller.tokenHash(), r), timeout),
        result -> extractRequest(request -> request.getHeader("Cookie").isPresent()
            ? setCookie(browsers.clearedCookie(request), () -> complete(StatusCodes.NO_CONTENT))
            : complete(StatusCodes.NO_CONTENT)));
  }

  /** The inbox, newest first, by pages: {@code ?before=} the {@code next} of the page before, {@code ?limit=}. */
  Route notifications(Caller caller) {
    return parameterOptional("before", before -> parameterOptional("limit", limit -> {
      Long beforeId;
      int n;
      try {
        beforeId = before.map(Long::parseLong).orElse(null);
        n = limit.map(Integer::parseInt).orElse(Limits.PAGE_DEFAULT);
      } catch (NumberFormatException e) {
        return invalidQuery("before is the next of an earlier page, limit a whole number");
      }
      if (n < 1 || n > Limits.PAGE_MAX || (beforeId != null && beforeId < 1)) {
        return invalidQuery("limit is 1 to " + Limits.PAGE_MAX + ", before a next of an earlier page");
      }
      return onSuccess(
          user(caller.username()).<UserAccount.NotificationsView>ask(
              r -> new UserAccount.GetNotifications(beforeId, n, r), timeout),
          view -> {
            List<NotificationList.Item> items = new ArrayList<>();
            for (int i = 0; i < view.notifications().size(); i++) {
              var x = view.notifications().get(i);
              items.add(new NotificationList.Item(Long.toString(x.id()), x.room(), x.seq(), x.sender(),
                  x.kind(), x.excerpt(), x.at(), view.read().get(i)));
            }
            return complete(StatusCodes.OK, new NotificationList(items,
                view.next() == null ? null : Long.toString(view.next())), JSON);
          });
    }));
  }

  /** The user's settings (read receipts shown or not). */
  Route settings(Caller caller) {
    return onSuccess(
        user(caller.username()).<UserAccount.SettingsView>ask(UserAccount.GetSettings::new, timeout),
        view -> complete(StatusCodes.OK, new UserSettings(view.readReceipts()), JSON));
  }

  Route changeSettings(Caller caller, UserSettings body) {
    if (body.readReceipts() == null) {
      return settings(caller);
    }
    return onSuccess(
        user(caller.username()).<UserAccount.Result>ask(
            r -> new UserAccount.SetReadReceipts(body.readReceipts(), r), timeout),
        result -> result == UserAccount.Done.INSTANCE ? settings(caller) : rejected(result));
  }

  Route ticket(Caller caller) {
    String ticket = Secrets.newToken(caller.username());
    Instant expiresAt = now().plus(ticketTtl);
    return onSuccess(
        user(caller.username()).<UserAccount.Result>ask(
            r -> new UserAccount.IssueTicket(caller.tokenHash(), Secrets.sha256(ticket), expiresAt, r), timeout),
        result -> result == UserAccount.Done.INSTANCE
            ? complete(StatusCodes.OK, new TicketResponse(ticket, expiresAt), JSON)
            : rejected(result));
  }

  /**
   * Every call but signup, login and the WebSocket needs a live token: a bearer token, or (a browser) the session
   * cookie. A cookie call that changes something must come from an allowed origin (CSRF); a bearer one need not, as
   * no other site can make a browser send it.
   */
  Route authenticated(Function<Caller, Route> inner) {
    return extractRequest(request -> optionalHeaderValueByName("Authorization", header -> optionalCookie(
        BrowserGuard.COOKIE, cookie -> {
          Optional<String> bearer = bearer(header);
          Optional<String> token = bearer.isPresent() ? bearer : cookie.map(c -> c.value()).filter(v -> !v.isEmpty());
          if (bearer.isEmpty() && token.isPresent() && BrowserGuard.unsafe(request)
              && !browsers.originAllowed(request, false)) {
            return error(StatusCodes.FORBIDDEN, "csrf_failed", "a call with the session cookie that changes something "
                + "must come from the node's own pages or an origin in parley.http.allowed-origins (an Origin header)");
          }
          return onSuccess(authenticate(token), caller -> {
            if (caller.isEmpty()) {
              return unauthorized();
            }
            Optional<ConnectionGuard.Slot> slot = ConnectionGuard.of(request);
            if (slot.isPresent() && !slot.get().authenticatedAs(caller.get().username())) {
              return complete(slot.get().userOverLimit());
            }
            return inner.apply(caller.get());
          });
        })));
  }

  private static Optional<String> bearer(Optional<String> header) {
    return header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim());
  }

  /** A bearer token. */
  CompletionStage<Optional<Caller>> authenticate(Optional<String> secret) {
    return ask(secret, hash -> r -> new UserAccount.Authenticate(hash, r))
        .thenApply(r -> r instanceof UserAccount.Authenticated a
            ? Optional.of(new Caller(a.username(), a.tokenHash()))
            : Optional.empty());
  }

  /**
   * A WebSocket handshake's credentials (a single-use ticket, else a bearer token), and the user's admission of one
   * more socket: {@code Authenticated}, or {@code Rejected} (unauthorized, too_many_sockets).
   */
  CompletionStage<UserAccount.Result> admitSocket(Optional<String> secret, boolean ticket) {
    return ask(secret, hash -> r -> ticket ? new UserAccount.RedeemTicket(hash, r) : new UserAccount.AdmitSocket(hash, r));
  }

  CompletionStage<UserAccount.Result> ask(
      Optional<String> secret,
      Function<String, org.apache.pekko.japi.function.Function<ActorRef<UserAccount.Result>, UserAccount.Command>> command) {
    Optional<String> username = secret.flatMap(Secrets::usernameOf);
    if (username.isEmpty()) {
      return CompletableFuture.completedFuture(new UserAccount.Rejected("unauthorized", "no token"));
    }
    return user(username.get()).ask(command.apply(Secrets.sha256(secret.get())), timeout);
  }

  Route webSocket() {
    // A page from another site may not open a socket as its visitor (cross-site WebSocket hijacking): refused before
    // the upgrade. The upgrade and the query are checked next, so a plain GET or a bad query cannot burn a ticket.
    return extractRequest(request -> !browsers.originAllowed(request, true)
        ? complete(errorResponse(StatusCodes.FORBIDDEN, "origin_not_allowed", "pages from "
            + request.getHeader("Origin").map(h -> h.value()).orElse("") + " may not open a socket to this node "
            + "(parley.http.allowed-origins)").addHeader(Connection.create("close")))
        : webSocketFromAllowedOrigin());
  }

  private Route webSocketFromAllowedOrigin() {
    return extractWebSocketUpgrade(upgrade -> parameterOptional("after", afterParam -> {
      Optional<Map<String, Long>> after = Validation.resumePoints(afterParam.orElse(""));
      if (after.isEmpty()) {
        return invalidQuery("after is <room>:<seq> pairs separated by commas, each room once, each seq at least 0, "
            + "at most " + Limits.RESUME_ROOMS_MAX + " rooms");
      }
      return parameterOptional("ticket", ticket -> optionalHeaderValueByName("Authorization", header -> optionalCookie(
          BrowserGuard.COOKIE, cookie -> {
        Optional<String> bearer = bearer(header);
        // A browser's socket may come with the session cookie (its Origin was checked above).
        CompletionStage<UserAccount.Result> admitted = ticket.isPresent()
            ? admitSocket(ticket, true)
            : admitSocket(bearer.isPresent() ? bearer : cookie.map(c -> c.value()).filter(v -> !v.isEmpty()), false);
        return onSuccess(admitted, result -> {
          if (!(result instanceof UserAccount.Authenticated a)) {
            // A refused upgrade ends its connection too: a client that keeps retrying holds no descriptors meanwhile.
            return result instanceof UserAccount.Rejected r && !"unauthorized".equals(r.code())
                ? complete(errorResponse(statusOf(r.code()), r.code(), r.message())
                    .addHeader(Connection.create("close")))
                : unauthorized();
          }
          return extractRequest(request -> complete(webSockets.accept(
              upgrade, a.username(), a.tokenHash(), after.get(), ConnectionGuard.of(request).orElse(null))));
        });
      })));
    }));
  }

  Route me(Caller caller) {
    CompletionStage<Me> me = user(caller.username())
        .<UserAccount.Summary>ask(UserAccount.GetSummary::new, timeout)
        .thenCompose(summary -> RoomSummaries.of(sharding, caller.username(), summary.rooms(), summary.blocks(), timeout))
        .thenCompose(rooms -> ServerAdmin.get(system).isAdmin(caller.username())
            .thenApply(admin -> new Me(caller.username(), rooms, admin ? Boolean.TRUE : null)));
    return onSuccess(me, body -> complete(StatusCodes.OK, body, JSON));
  }

  Route userPresence(String raw) {
    String username = Validation.canonicalUsername(raw);
    if (!Validation.isValidUsername(username)) {
      return noSuchUser();
    }
    return onSuccess(
        user(username).<UserAccount.PresenceView>ask(UserAccount.GetPresence::new, timeout),
        p -> p.exists()
            ? complete(StatusCodes.OK, new UserPresence(p.username(), p.online(), p.lastSeen()), JSON)
            : noSuchUser());
  }
}
