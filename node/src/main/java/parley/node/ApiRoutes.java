package parley.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.AskTimeoutException;
import parley.protocol.CreateRoom;
import parley.protocol.Credentials;
import parley.protocol.ErrorBody;
import parley.protocol.JoinRoom;
import parley.protocol.Json;
import parley.protocol.Limits;
import parley.protocol.LoginResponse;
import parley.protocol.MarkRead;
import parley.protocol.Me;
import parley.protocol.Member;
import parley.protocol.MessagePage;
import parley.protocol.PostMessage;
import parley.protocol.Room;
import parley.protocol.RoomListing;
import parley.protocol.SignupResponse;
import parley.protocol.TicketResponse;
import parley.protocol.UserPresence;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * The HTTP edge of protocol v1: a plain class mapping wire DTOs to entity commands and entity replies to status
 * codes. Nothing here holds state; every answer comes from an entity (or the journal, for old history).
 */
public final class ApiRoutes extends AllDirectives {

  /** Who is calling: the canonical username and the hash of the token they presented. */
  record Caller(String username, String tokenHash) {}

  private static final Marshaller<Object, RequestEntity> JSON = Jackson.marshaller(Json.mapper());

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration timeout;
  private final Duration tokenTtl;
  private final Duration ticketTtl;
  private final int bcryptCost;
  private final Executor blocking;
  private final History history;
  private final WebSocketEndpoint webSockets;
  private final Supplier<Boolean> bound;

  public ApiRoutes(ActorSystem<?> system, History history, WebSocketEndpoint webSockets, Supplier<Boolean> bound) {
    Config config = system.settings().config();
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.timeout = config.getDuration("parley.ask-timeout");
    this.tokenTtl = config.getDuration("parley.auth.token-ttl");
    this.ticketTtl = config.getDuration("parley.auth.ticket-ttl");
    this.bcryptCost = config.getInt("parley.auth.bcrypt-cost");
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
    this.history = history;
    this.webSockets = webSockets;
    this.bound = bound;
  }

  public Route routes() {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
        path("alive", () -> get(() -> complete(StatusCodes.OK, "{\"alive\":true}"))),
        path("ready", () -> get(this::ready)),
        pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            path(segment("auth").slash("signup"), () -> post(() -> body(Credentials.class, this::signup))),
            path(segment("auth").slash("login"), () -> post(() -> body(Credentials.class, this::login))),
            path("ws", () -> get(this::webSocket)),
            authenticated(caller -> concat(
                path(segment("auth").slash("logout"), () -> post(() -> logout(caller))),
                path(segment("auth").slash("ws-ticket"), () -> post(() -> ticket(caller))),
                path("me", () -> get(() -> me(caller))),
                pathPrefix("rooms", () -> concat(
                    pathEnd(() -> concat(
                        get(() -> listRooms()),
                        post(() -> body(CreateRoom.class, b -> createRoom(caller, b))))),
                    pathPrefix(segment(), id -> validRoom(id, () -> concat(
                        pathEnd(() -> get(() -> getRoom(caller, id))),
                        path("join", () -> post(() -> optionalBody(JoinRoom.class, b -> join(caller, id, b)))),
                        path("leave", () -> post(() -> leave(caller, id))),
                        path("messages", () -> concat(
                            get(() -> messages(caller, id)),
                            post(() -> body(PostMessage.class, b -> postMessage(caller, id, b))))),
                        path("read", () -> post(() -> body(MarkRead.class, b -> markRead(caller, id, b))))))))),
                path(segment("dms").slash(segment()), user -> post(() -> openDm(caller, user))),
                path(segment("users").slash(segment()), user -> get(() -> userPresence(user)))))))))));
  }

  // ---------------------------------------------------------------------------------------------- auth

  private Route signup(Credentials body) {
    String username = Validation.canonicalUsername(body.username());
    var problem = Validation.signup(username, body.password());
    if (problem.isPresent()) {
      return error(StatusCodes.BAD_REQUEST, problem.get().code(), problem.get().message());
    }
    CompletionStage<UserAccount.Result> registered =
        CompletableFuture.supplyAsync(() -> Secrets.hashPassword(body.password(), bcryptCost), blocking)
            .thenCompose(hash -> user(username).<UserAccount.Result>ask(r -> new UserAccount.Register(hash, r), timeout));
    return onSuccess(registered, result -> result == UserAccount.Done.INSTANCE
        ? complete(StatusCodes.CREATED, new SignupResponse(username), JSON)
        : rejected(result));
  }

  private Route login(Credentials body) {
    String username = Validation.canonicalUsername(body.username());
    if (!Validation.isValidUsername(username) || body.password() == null) {
      return badCredentials();
    }
    CompletionStage<Optional<LoginResponse>> login =
        user(username).<UserAccount.PasswordHash>ask(UserAccount.GetPasswordHash::new, timeout)
            .thenApplyAsync(hash -> Secrets.checkPassword(body.password(), hash.hash()), blocking)
            .thenCompose(ok -> {
              if (!ok) {
                return CompletableFuture.completedFuture(Optional.empty());
              }
              String token = Secrets.newToken(username);
              Instant expiresAt = now().plus(tokenTtl);
              return user(username)
                  .<UserAccount.Result>ask(r -> new UserAccount.IssueToken(Secrets.sha256(token), expiresAt, r), timeout)
                  .thenApply(r -> r == UserAccount.Done.INSTANCE
                      ? Optional.of(new LoginResponse(token, username, expiresAt))
                      : Optional.empty());
            });
    return onSuccess(login, response -> response.isPresent()
        ? complete(StatusCodes.OK, response.get(), JSON)
        : badCredentials());
  }

  private Route badCredentials() {
    return error(StatusCodes.UNAUTHORIZED, "bad_credentials", "wrong username or password");
  }

  private Route logout(Caller caller) {
    return onSuccess(
        user(caller.username()).<UserAccount.Result>ask(r -> new UserAccount.RevokeToken(caller.tokenHash(), r), timeout),
        result -> complete(StatusCodes.NO_CONTENT));
  }

  private Route ticket(Caller caller) {
    String ticket = Secrets.newToken(caller.username());
    Instant expiresAt = now().plus(ticketTtl);
    return onSuccess(
        user(caller.username()).<UserAccount.Result>ask(
            r -> new UserAccount.IssueTicket(caller.tokenHash(), Secrets.sha256(ticket), expiresAt, r), timeout),
        result -> result == UserAccount.Done.INSTANCE
            ? complete(StatusCodes.OK, new TicketResponse(ticket, expiresAt), JSON)
            : rejected(result));
  }

  /** Every call but signup, login and the WebSocket needs a live bearer token. */
  private Route authenticated(Function<Caller, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      Optional<String> token = header
          .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
          .map(h -> h.substring(7).trim());
      return onSuccess(authenticate(token, false), caller -> caller.map(inner).orElseGet(this::unauthorized));
    });
  }

  /** A bearer token, or (for the WebSocket) a single-use ticket. */
  private CompletionStage<Optional<Caller>> authenticate(Optional<String> secret, boolean ticket) {
    Optional<String> username = secret.flatMap(Secrets::usernameOf);
    if (username.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String hash = Secrets.sha256(secret.get());
    return user(username.get())
        .<UserAccount.Result>ask(
            r -> ticket ? new UserAccount.RedeemTicket(hash, r) : new UserAccount.Authenticate(hash, r), timeout)
        .thenApply(r -> r instanceof UserAccount.Authenticated a
            ? Optional.of(new Caller(a.username(), a.tokenHash()))
            : Optional.empty());
  }

  private Route webSocket() {
    // The upgrade and the query are checked first, so a plain GET or a bad query cannot burn a single-use ticket.
    return extractWebSocketUpgrade(upgrade -> parameterOptional("after", afterParam -> {
      Optional<Map<String, Long>> after = Validation.resumePoints(afterParam.orElse(""));
      if (after.isEmpty()) {
        return invalidQuery("after is <room>:<seq> pairs separated by commas, each room once, each seq at least 0, "
            + "at most " + Limits.RESUME_ROOMS_MAX + " rooms");
      }
      return parameterOptional("ticket", ticket -> optionalHeaderValueByName("Authorization", header -> {
        CompletionStage<Optional<Caller>> caller = ticket.isPresent()
            ? authenticate(ticket, true)
            : authenticate(header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim()), false);
        return onSuccess(caller, c -> c.isEmpty()
            ? unauthorized()
            : complete(webSockets.accept(upgrade, c.get().username(), c.get().tokenHash(), after.get())));
      }));
    }));
  }

  // ---------------------------------------------------------------------------------------------- me, users

  private Route me(Caller caller) {
    CompletionStage<Me> me = user(caller.username())
        .<UserAccount.Summary>ask(UserAccount.GetSummary::new, timeout)
        .thenCompose(summary -> RoomSummaries.of(sharding, caller.username(), summary.rooms(), timeout))
        .thenApply(rooms -> new Me(caller.username(), rooms));
    return onSuccess(me, body -> complete(StatusCodes.OK, body, JSON));
  }

  private Route userPresence(String raw) {
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

  // ---------------------------------------------------------------------------------------------- rooms

  private Route listRooms() {
    return onSuccess(
        sharding.entityRefFor(RoomDirectory.ENTITY_KEY, RoomDirectory.ID)
            .<RoomDirectory.Listings>ask(RoomDirectory.GetListings::new, timeout),
        listings -> complete(
            StatusCodes.OK,
            new RoomListing(listings.rooms().stream()
                .map(l -> new RoomListing.Entry(l.id(), l.name(), l.members(), l.online(), l.passcode(), l.capacity()))
                .toList()),
            JSON));
  }

  private Route createRoom(Caller caller, CreateRoom body) {
    var problem = Validation.room(body.name(), body.passcode(), body.capacity());
    if (problem.isPresent()) {
      return error(StatusCodes.BAD_REQUEST, problem.get().code(), problem.get().message());
    }
    String id = Secrets.newRoomId();
    int capacity = body.capacity() == null ? Limits.CAPACITY_DEFAULT : body.capacity();
    CompletionStage<ChatRoom.CreateResult> created =
        CompletableFuture.supplyAsync(
                () -> body.passcode() == null ? null : Secrets.hashPassword(body.passcode(), bcryptCost), blocking)
            .thenCompose(hash -> room(id).<ChatRoom.CreateResult>ask(
                r -> new ChatRoom.Create(body.name().strip(), ChatRoom.KIND_ROOM, caller.username(), hash, capacity,
                    List.of(), r),
                timeout))
            .thenCompose(result -> addRoom(caller.username(), id, 1).thenApply(done -> result));
    return onSuccess(created, result -> result instanceof ChatRoom.Created c
        ? complete(StatusCodes.CREATED, toWire(c.room()), JSON)
        : rejected(result));
  }

  private Route getRoom(Caller caller, String id) {
    return onSuccess(
        room(id).<ChatRoom.GetResult>ask(r -> new ChatRoom.Get(caller.username(), r), timeout),
        result -> result instanceof ChatRoom.RoomView v ? complete(StatusCodes.OK, toWire(v), JSON) : rejected(result));
  }

  private Route join(Caller caller, String id, JoinRoom body) {
    String passcode = body == null ? null : body.passcode();
    CompletionStage<ChatRoom.JoinResult> joined =
        room(id).<ChatRoom.JoinResult>ask(r -> new ChatRoom.Join(caller.username(), passcode, r), timeout)
            .thenCompose(result -> result instanceof ChatRoom.Joined j
                ? addRoom(caller.username(), id, Math.max(0, j.joinSeq())).thenApply(done -> result)
                : CompletableFuture.completedFuture(result));
    return onSuccess(joined, result -> result instanceof ChatRoom.Joined j
        ? complete(StatusCodes.OK, toWire(j.room()), JSON)
        : rejected(result));
  }

  private Route leave(Caller caller, String id) {
    CompletionStage<ChatRoom.LeaveResult> left =
        room(id).<ChatRoom.LeaveResult>ask(r -> new ChatRoom.Leave(caller.username(), r), timeout)
            .thenCompose(result -> result instanceof ChatRoom.Left
                ? user(caller.username())
                    .<UserAccount.Result>ask(r -> new UserAccount.RemoveRoom(id, r), timeout)
                    .thenApply(done -> result)
                : CompletableFuture.completedFuture(result));
    return onSuccess(left, result -> result instanceof ChatRoom.Left ? complete(StatusCodes.NO_CONTENT) : rejected(result));
  }

  private Route openDm(Caller caller, String raw) {
    String other = Validation.canonicalUsername(raw);
    if (!Validation.isValidUsername(other)) {
      return noSuchUser();
    }
    if (other.equals(caller.username())) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "a DM needs another user");
    }
    String id = ChatRoom.dmId(caller.username(), other);
    CompletionStage<Object> opened =
        user(other).<UserAccount.PresenceView>ask(UserAccount.GetPresence::new, timeout)
            .thenCompose(p -> p.exists()
                ? room(id).<ChatRoom.CreateResult>ask(
                        r -> new ChatRoom.Create(caller.username() + ", " + other, ChatRoom.KIND_DM, caller.username(),
                            null, 2, List.of(other), r),
                        timeout)
                    .thenCompose(result -> dmOpened(caller.username(), other, id, result))
                : CompletableFuture.completedFuture(null));
    return onSuccess(opened, result -> {
      if (result == null) {
        return noSuchUser();
      }
      return result instanceof ChatRoom.RoomView v ? complete(StatusCodes.OK, toWire(v), JSON) : rejected(result);
    });
  }

  /** A new DM is in both users' lists; a DM the caller left is joined again, from its latest entry on. */
  private CompletionStage<Object> dmOpened(String caller, String other, String id, ChatRoom.CreateResult result) {
    if (result instanceof ChatRoom.Created c) {
      return addRoom(caller, id, 1).thenCompose(d -> addRoom(other, id, 0)).thenApply(d -> c.room());
    }
    if (result instanceof ChatRoom.RoomView v && v.isMember()) {
      return CompletableFuture.completedFuture(v);
    }
    return room(id).<ChatRoom.JoinResult>ask(r -> new ChatRoom.Join(caller, null, r), timeout)
        .thenCompose(j -> j instanceof ChatRoom.Joined joined
            ? addRoom(caller, id, Math.max(0, joined.joinSeq())).thenApply(d -> (Object) joined.room())
            : CompletableFuture.completedFuture(j));
  }

  // ---------------------------------------------------------------------------------------------- messages

  private Route messages(Caller caller, String id) {
    return parameterOptional("before", before -> parameterOptional("after", after -> parameterOptional("limit", limit -> {
      Long b;
      Long a;
      int n;
      try {
        b = before.map(Long::parseLong).orElse(null);
        a = after.map(Long::parseLong).orElse(null);
        n = limit.map(Integer::parseInt).orElse(Limits.PAGE_DEFAULT);
      } catch (NumberFormatException e) {
        return invalidQuery("before, after and limit are whole numbers");
      }
      if (b != null && a != null) {
        return invalidQuery("give before or after, not both");
      }
      if ((b != null && b < 1) || (a != null && a < 0)) {
        return invalidQuery("before is at least 1 and after at least 0");
      }
      if (n < 1 || n > Limits.PAGE_MAX) {
        return invalidQuery("limit is 1 to " + Limits.PAGE_MAX);
      }
      return onSuccess(history.page(id, caller.username(), b, a, n), result -> result instanceof ChatRoom.Page page
          ? complete(
              StatusCodes.OK,
              new MessagePage(page.entries().stream().map(e -> e.toWire(id)).toList(), page.hasMore()),
              JSON)
          : rejected(result));
    })));
  }

  private Route postMessage(Caller caller, String id, PostMessage body) {
    var problem = Validation.message(body.clientMsgId(), body.text());
    if (problem.isPresent()) {
      return error(StatusCodes.BAD_REQUEST, problem.get().code(), problem.get().message());
    }
    CompletionStage<ChatRoom.PostResult> posted =
        room(id).ask(r -> new ChatRoom.Post(caller.username(), body.clientMsgId(), body.text(), r), timeout);
    return onSuccess(posted, result -> {
      if (result instanceof ChatRoom.Posted p) {
        return complete(StatusCodes.CREATED, p.entry().toWire(id), JSON);
      }
      return rejected(result);
    });
  }

  private Route markRead(Caller caller, String id, MarkRead body) {
    if (body.seq() == null || body.seq() < 0) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "seq is a whole number >= 0");
    }
    CompletionStage<Object> marked =
        room(id).<ChatRoom.GetResult>ask(r -> new ChatRoom.GetSummary(caller.username(), r), timeout)
            .thenCompose(result -> {
              if (!(result instanceof ChatRoom.SummaryView v) || !v.isMember()) {
                return CompletableFuture.completedFuture(
                    result instanceof ChatRoom.Rejected ? result : new ChatRoom.Rejected("not_a_member", "you are not a member of this room"));
              }
              long seq = Math.min(body.seq(), v.lastSeq());
              return user(caller.username())
                  .<UserAccount.Result>ask(r -> new UserAccount.MarkRead(id, seq, r), timeout)
                  .thenApply(r -> (Object) r);
            });
    return onSuccess(marked, result -> result == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT) : rejected(result));
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private Route ready() {
    Cluster cluster = Cluster.get(system);
    boolean up = cluster.selfMember().status() == MemberStatus.up();
    return up && bound.get()
        ? complete(StatusCodes.OK, "{\"ready\":true}")
        : error(StatusCodes.SERVICE_UNAVAILABLE, "not_ready", "the node is not yet up in the cluster");
  }

  private CompletionStage<UserAccount.Result> addRoom(String username, String roomId, long joinSeq) {
    return user(username).ask(r -> new UserAccount.AddRoom(roomId, joinSeq, r), timeout);
  }

  private Route validRoom(String id, Supplier<Route> inner) {
    return Validation.isValidRoomId(id) ? inner.get() : rejected(new ChatRoom.Rejected("no_such_room", "there is no such room"));
  }

  private static Room toWire(ChatRoom.RoomView v) {
    return new Room(
        v.id(), v.name(), v.kind(), v.owner(), v.capacity(), v.hasPasscode(), v.lastSeq(),
        v.members().stream().map(m -> new Member(m.username(), m.online(), m.lastSeen())).toList());
  }

  private <T> Route body(Class<T> type, Function<T, Route> inner) {
    return optionalBody(type, value -> value == null
        ? error(StatusCodes.BAD_REQUEST, "invalid_request", "this call needs a JSON body")
        : inner.apply(value));
  }

  /** A JSON body that may be absent; malformed JSON is a 400 with the reason, never a 500. */
  private <T> Route optionalBody(Class<T> type, Function<T, Route> inner) {
    return entity(Unmarshaller.entityToString(), text -> {
      T value;
      try {
        value = text.isBlank() ? null : Json.mapper().readValue(text, type);
      } catch (IOException e) {
        return error(StatusCodes.BAD_REQUEST, "invalid_request", "the body is not the JSON object this call takes");
      }
      return inner.apply(value);
    });
  }

  private Route rejected(Object result) {
    String code = result instanceof ChatRoom.Rejected r ? r.code() : result instanceof UserAccount.Rejected r ? r.code() : "internal_error";
    String message = result instanceof ChatRoom.Rejected r ? r.message() : result instanceof UserAccount.Rejected r ? r.message() : "internal error";
    return error(statusOf(code), code, message);
  }

  static StatusCode statusOf(String code) {
    return switch (code) {
      case "no_such_room", "no_such_user" -> StatusCodes.NOT_FOUND;
      case "wrong_passcode", "not_a_member" -> StatusCodes.FORBIDDEN;
      case "room_full", "username_taken" -> StatusCodes.CONFLICT;
      case "unauthorized", "bad_credentials" -> StatusCodes.UNAUTHORIZED;
      case "internal_error" -> StatusCodes.INTERNAL_SERVER_ERROR;
      default -> StatusCodes.BAD_REQUEST;
    };
  }

  private Route unauthorized() {
    return error(StatusCodes.UNAUTHORIZED, "unauthorized", "missing, bad, expired or revoked token");
  }

  private Route noSuchUser() {
    return error(StatusCodes.NOT_FOUND, "no_such_user", "there is no such user");
  }

  private Route invalidQuery(String message) {
    return error(StatusCodes.BAD_REQUEST, "invalid_query", message);
  }

  private Route notFound() {
    return error(StatusCodes.NOT_FOUND, "not_found", "no such endpoint");
  }

  private Route error(StatusCode status, String code, String message) {
    return complete(status, ErrorBody.of(code, message), JSON);
  }

  static HttpResponse errorResponse(StatusCode status, String code, String message) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(
              org.apache.pekko.http.javadsl.model.ContentTypes.APPLICATION_JSON,
              Json.mapper().writeValueAsBytes(ErrorBody.of(code, message)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rs -> error(StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed",
            "use " + String.join(" or ", rs.stream().map(r -> r.supported().name()).toList())))
        .handle(MalformedQueryParamRejection.class, r -> invalidQuery(r.errorMsg()))
        .handle(UnsupportedRequestContentTypeRejection.class, r ->
            error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "invalid_request", "send application/json"))
        .handle(org.apache.pekko.http.javadsl.server.ExpectedWebSocketRequestRejection.class, r ->
            error(StatusCodes.BAD_REQUEST, "websocket_required", "this endpoint speaks WebSocket only"))
        .handleNotFound(notFound())
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(response -> response.entity().getContentType().equals(
                org.apache.pekko.http.javadsl.model.ContentTypes.APPLICATION_JSON)
            ? response
            : errorResponse(response.status(), "invalid_request", "the request was not understood"));
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(AskTimeoutException.class, e -> unavailable())
        .match(TimeoutException.class, e -> unavailable())
        .match(java.util.concurrent.CompletionException.class, e -> e.getCause() instanceof TimeoutException ? unavailable() : internal())
        .matchAny(e -> internal())
        .build();
  }

  private Route unavailable() {
    return error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "the node could not answer in time; try again");
  }

  private Route internal() {
    system.log().error("unexpected failure in a route");
    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", "internal error");
  }

  private EntityRef<UserAccount.Command> user(String username) {
    return sharding.entityRefFor(UserAccount.ENTITY_KEY, username);
  }

  private EntityRef<ChatRoom.Command> room(String id) {
    return sharding.entityRefFor(ChatRoom.ENTITY_KEY, id);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
