package parley.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.Validation;
import parley.node.admin.AuditEntry;
import parley.node.admin.ServerAdmin;
import parley.node.admin.UserRow;
import parley.node.user.UserAccount;
import parley.protocol.Admin;
import parley.protocol.Credentials;
import parley.protocol.InviteLinkRequest;
import parley.protocol.Json;
import parley.protocol.SignupResponse;

/**
 * v1.4: {@code /api/v1/admin}, for the server's admins only (anyone else: 403 {@code forbidden}): the accounts, turning
 * one off and on (its connections end at once, on every node, and its logins are refused) or signing it out
 * everywhere, making accounts, naming admins, the sign-up policy, and the audit log, which every act here writes to
 * before it is answered.
 */
final class AdminRoutes extends RouteSupport {
  private static final int PAGE_MAX = 200;
  private final ServerAdmin server;

  AdminRoutes(ActorSystem<?> system) {
    super(system);
    this.server = ServerAdmin.get(system);
  }

  Route forCaller(Caller caller) {
    return pathPrefix("admin", () -> withAddress(address -> admin(caller, () -> concat(
        path("users", () -> concat(
            get(() -> users()),
            post(() -> body(Credentials.class, b -> createUser(caller, address, b))))),
        path(segment("users").slash(segment()).slash("deactivate"), name -> post(() ->
            setDeactivated(caller, address, name, true))),
        path(segment("users").slash(segment()).slash("reactivate"), name -> post(() ->
            setDeactivated(caller, address, name, false))),
        path(segment("users").slash(segment()).slash("sessions").slash("reset"), name -> post(() ->
            resetSessions(caller, address, name))),
        path(segment("admins").slash(segment()), name -> concat(
            post(() -> setAdmin(caller, address, name, true)),
            delete(() -> setAdmin(caller, address, name, false)))),
        path("settings", () -> concat(
            get(() -> onSuccess(server.signupPolicy(), p -> complete(StatusCodes.OK, new Admin.Settings(p), JSON))),
            patch(() -> body(Admin.Settings.class, b -> setSettings(caller, address, b))))),
        path("invites", () -> post(() -> body(InviteLinkRequest.class, b -> makeInvite(caller, address, b)))),
        path("audit", () -> get(() -> audit()))))));
  }

  private Route admin(Caller caller, Supplier<Route> inner) {
    return onSuccess(server.isAdmin(caller.username()), yes -> yes ? inner.get()
        : error(StatusCodes.FORBIDDEN, "forbidden", "only a server admin may do that"));
  }

  private Route users() {
    return parameterOptional("after", after -> parameterOptional("limit", limit -> {
      int n;
      try {
        n = limit.map(Integer::parseInt).orElse(50);
      } catch (NumberFormatException e) {
        return invalidQuery("limit is a whole number");
      }
      if (n < 1 || n > PAGE_MAX) {
        return invalidQuery("limit is 1 to " + PAGE_MAX);
      }
      CompletionStage<Admin.Users> page = server.users(after.orElse(null), n + 1).thenCompose(rows -> {
        List<UserRow> shown = rows.size() > n ? rows.subList(0, n) : rows;
        List<CompletableFuture<Admin.User>> users = shown.stream().map(row -> user(row.username())
            .<UserAccount.PresenceView>ask(UserAccount.GetPresence::new, timeout)
            .thenApply(p -> new Admin.User(row.username(), row.createdAt(), row.admin(), row.deactivatedAt() != null,
                !p.exists(), p.online(), p.lastSeen()))
            .toCompletableFuture()).toList();
        return CompletableFuture.allOf(users.toArray(CompletableFuture[]::new)).thenApply(v -> new Admin.Users(
            users.stream().map(CompletableFuture::join).toList(),
            rows.size() > n ? shown.get(shown.size() - 1).username() : null));
      });
      return onSuccess(page, p -> complete(StatusCodes.OK, p, JSON));
    }));
  }

  /** An account made by an admin, whatever the sign-up policy. */
  private Route createUser(Caller caller, String address, Credentials body) {
    String username = Validation.canonicalUsername(body.username());
    var problem = Validation.signup(username, body.password());
    if (problem.isPresent()) {
      return error(StatusCodes.BAD_REQUEST, problem.get().code(), problem.get().message());
    }
    CompletionStage<UserAccount.Result> made = register(username, body.password()).thenCompose(result ->
        result != UserAccount.Done.INSTANCE ? CompletableFuture.completedFuture(result)
            : server.audit(caller.username(), "create_user", username, null, null, address).thenApply(v -> result));
    return onSuccess(made, result -> result == UserAccount.Done.INSTANCE
        ? complete(StatusCodes.CREATED, new SignupResponse(username), JSON) : rejected(result));
  }

  /** The listed account, or the answer for one that is not. */
  private CompletionStage<Optional<UserRow>> listed(String raw) {
    String name = Validation.canonicalUsername(raw);
    return Validation.isValidUsername(name) ? server.user(name) : CompletableFuture.completedFuture(Optional.empty());
  }

  /**
   * Off: the account is marked first, then every token ends (its sockets close on every node); a login racing this
   * finds the mark after it made its token and gives the token back. On: logins work again; nothing else comes back.
   */
  private Route setDeactivated(Caller caller, String address, String raw, boolean off) {
    CompletionStage<Object> done = listed(raw).thenCompose(row -> {
      if (row.isEmpty()) {
        return CompletableFuture.completedFuture((Object) noSuchUserRefusal());
      }
      String name = row.get().username();
      if (off && name.equals(caller.username())) {
        return CompletableFuture.completedFuture((Object) new UserAccount.Rejected("invalid_request",
            "you cannot deactivate yourself"));
      }
      return server.setDeactivated(name, off).thenCompose(changed -> !changed
          ? CompletableFuture.completedFuture((Object) UserAccount.Done.INSTANCE)
          : (off ? user(name).<UserAccount.Result>ask(r -> new UserAccount.EndAllSessions(
                  "the account was deactivated by a server admin", r), timeout).thenApply(r -> (Object) r)
              : CompletableFuture.completedFuture((Object) UserAccount.Done.INSTANCE))
              .thenCompose(r -> server.audit(caller.username(), off ? "deactivate" : "reactivate", name, null, null,
                  address).thenApply(v -> r)));
    });
    return onSuccess(done, r -> r == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT) : rejected(r));
  }

  private Route resetSessions(Caller caller, String address, String raw) {
    CompletionStage<Object> done = listed(raw).thenCompose(row -> row.isEmpty()
        ? CompletableFuture.completedFuture((Object) noSuchUserRefusal())
        : user(row.get().username()).<UserAccount.Result>ask(r -> new UserAccount.EndAllSessions(
                "signed out everywhere by a server admin", r), timeout)
            .thenCompose(r -> server.audit(caller.username(), "reset_sessions", row.get().username(), null, null,
                address).thenApply(v -> (Object) r)));
    return onSuccess(done, r -> r == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT) : rejected(r));
  }

  private Route setAdmin(Caller caller, String address, String raw, boolean admin) {
    CompletionStage<Object> done = listed(raw).thenCompose(row -> {
      if (row.isEmpty()) {
        return CompletableFuture.completedFuture((Object) noSuchUserRefusal());
      }
      String name = row.get().username();
      if (admin == row.get().admin()) {
        return CompletableFuture.completedFuture((Object) UserAccount.Done.INSTANCE);
      }
      return (admin ? server.grant(name, caller.username()) : server.revoke(name)).thenCompose(changed -> !changed
          ? CompletableFuture.completedFuture((Object) new UserAccount.Rejected("last_admin",
              name + " is the server's last admin: name another first"))
          : server.audit(caller.username(), admin ? "grant_admin" : "revoke_admin", name, null, null, address)
              .thenApply(v -> (Object) UserAccount.Done.INSTANCE));
    });
    return onSuccess(done, r -> r == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT) : rejected(r));
  }

  /** An invitation to sign up (for the {@code invite} policy): any number of uses, or {@code maxUses}, 7 days or less. */
  private Route makeInvite(Caller caller, String address, InviteLinkRequest body) {
    if ((body.maxUses() != null && (body.maxUses() < 1 || body.maxUses() > 1000))
        || (body.expiresIn() != null && (body.expiresIn() < 60 || body.expiresIn() > 2_592_000))) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "maxUses is 1 to 1000 and expiresIn 60 to 2592000 "
          + "seconds, each optional");
    }
    java.time.Duration expiresIn = java.time.Duration.ofSeconds(body.expiresIn() == null ? 604_800 : body.expiresIn());
    java.time.Instant expiresAt = now().plus(expiresIn);
    CompletionStage<String> made = server.makeSignupInvite(caller.username(), expiresIn, body.maxUses())
        .thenCompose(token -> server.audit(caller.username(), "signup_invite", null, null,
            body.maxUses() == null ? "any number of uses" : body.maxUses() + " uses", address).thenApply(v -> token));
    return onSuccess(made, token -> complete(StatusCodes.CREATED,
        new Admin.SignupInvite(token, expiresAt, body.maxUses()), JSON));
  }

  private Route setSettings(Caller caller, String address, Admin.Settings body) {
    if (body.signup() == null || !ServerAdmin.SIGNUP_POLICIES.contains(body.signup())) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "signup is open, invite or closed");
    }
    CompletionStage<Void> done = server.setSignupPolicy(body.signup())
        .thenCompose(v -> server.audit(caller.username(), "signup_policy", null, null, body.signup(), address));
    return onSuccess(done, v -> complete(StatusCodes.OK, new Admin.Settings(body.signup()), JSON));
  }

  /** Newest first, paged by {@code before}; {@code format=jsonl} answers the page as JSON lines, for export. */
  private Route audit() {
    return parameterOptional("before", before -> parameterOptional("limit", limit -> parameterOptional("format",
        format -> {
          Long b;
          int n;
          try {
            b = before.map(Long::parseLong).orElse(null);
            n = limit.map(Integer::parseInt).orElse(50);
          } catch (NumberFormatException e) {
            return invalidQuery("before and limit are whole numbers");
          }
          if (n < 1 || n > 1000) {
            return invalidQuery("limit is 1 to 1000");
          }
          if (format.isPresent() && !format.get().equals("jsonl")) {
            return invalidQuery("format is jsonl, or absent for one JSON object");
          }
          return onSuccess(server.auditPage(b, n + 1), rows -> {
            List<Admin.AuditEntry> page = rows.stream().limit(n).map(AdminRoutes::wire).toList();
            if (format.isPresent()) {
              StringBuilder lines = new StringBuilder();
              for (Admin.AuditEntry e : page) {
                lines.append(line(e)).append('\n');
              }
              return complete(HttpResponse.create().withStatus(StatusCodes.OK)
                  .withEntity(HttpEntities.create(ContentTypes.create(
                      org.apache.pekko.http.javadsl.model.MediaTypes.applicationWithOpenCharset("x-ndjson"),
                      org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8), lines.toString())));
            }
            return complete(StatusCodes.OK, new Admin.Audit(page,
                rows.size() > n ? page.get(page.size() - 1).id() : null), JSON);
          });
        })));
  }

  private static String line(Admin.AuditEntry e) {
    try {
      return Json.mapper().writeValueAsString(e);
    } catch (java.io.IOException failure) {
      throw new IllegalStateException(failure);
    }
  }

  private static Admin.AuditEntry wire(AuditEntry e) {
    return new Admin.AuditEntry(e.id(), e.at(), e.actor(), e.action(), e.target(), e.roomId(), e.detail(), e.address());
  }

  private static UserAccount.Rejected noSuchUserRefusal() {
    return new UserAccount.Rejected("no_such_user", "there is no such user");
  }
}
