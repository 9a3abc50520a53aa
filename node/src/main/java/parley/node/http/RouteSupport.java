package parley.node.http;

import com.typesafe.config.Config;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.ExpectedWebSocketRequestRejection;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.AskTimeoutException;
import java.net.InetAddress;
import parley.node.Secrets;
import parley.node.Validation;
import parley.node.admin.ServerAdmin;
import parley.node.delivery.WireEntries;
import parley.node.limits.LimitLog;
import parley.node.room.ChatRoom;
import parley.node.room.History;
import parley.node.user.UserAccount;
import parley.node.user.UserNotice;
import parley.protocol.ErrorBody;
import parley.protocol.Json;
import parley.protocol.Member;
import parley.protocol.Room;

/**
 * What every group of routes shares: the entities they ask and the timeout they ask with, reading a JSON body, and
 * mapping an entity's refusal to the protocol's error (its status code and JSON body).
 */
abstract class RouteSupport extends AllDirectives {

  /** Who is calling: the canonical username and the hash of the token they presented. */
  record Caller(String username, String tokenHash) {}

  static final Marshaller<Object, RequestEntity> JSON = Jackson.marshaller(Json.mapper());

  final ActorSystem<?> system;
  final ClusterSharding sharding;
  final Duration timeout;
  final int bcryptCost;
  final Executor blocking;

  RouteSupport(ActorSystem<?> system) {
    Config config = system.settings().config();
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.timeout = config.getDuration("parley.ask-timeout");
    this.bcryptCost = config.getInt("parley.auth.bcrypt-cost");
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
  }

  Route rejected(Object result) {
    if (result instanceof ChatRoom.SendRefused r) {
      // Only the user's message bucket names a wait.
      return r.retryAfterMs() != null ? rateLimited(r.message(), r.retryAfterMs())
          : error(statusOf(r.code()), r.code(), r.message());
    }
    if (result instanceof UserAccount.Throttled t) {
      return rateLimited(t.message(), t.retryAfterMs());
    }
    if (result instanceof ChatRoom.JoinThrottled t) {
      return rateLimited(t.message(), t.retryAfterMs());
    }
    String code = result instanceof ChatRoom.Rejected r ? r.code() : result instanceof UserAccount.Rejected r ? r.code() : "internal_error";
    String message = result instanceof ChatRoom.Rejected r ? r.message() : result instanceof UserAccount.Rejected r ? r.message() : "internal error";
    return error(statusOf(code), code, message);
  }

  static StatusCode statusOf(String code) {
    return switch (code) {
      case "no_such_room", "no_such_user", "no_such_session", "no_such_invite",
          "no_such_invite_link" -> StatusCodes.NOT_FOUND;
      case "invite_expired" -> StatusCodes.GONE;
      case "wrong_passcode", "passcode_required", "not_a_member", "wrong_password", "forbidden", "banned",
          "csrf_failed", "account_deactivated", "signup_closed", "invite_required" -> StatusCodes.FORBIDDEN;
      case "no_such_member", "no_such_message", "no_such_file", "no_such_report" -> StatusCodes.NOT_FOUND;
      case "file_too_large", "quota_exceeded" -> StatusCodes.PAYLOAD_TOO_LARGE;
      case "not_your_message", "blocked" -> StatusCodes.FORBIDDEN;
      case "message_too_old" -> StatusCodes.CONFLICT;
      case "room_full", "username_taken", "capacity_below_members", "owner_must_transfer", "too_many_blocks",
          "already_a_member", "room_invites_full", "invite_links_full", "last_admin" ->
          StatusCodes.CONFLICT;
      case "too_many_sockets", "too_many_rooms", "too_many_group_dms", "too_many_invites", "too_many_reports", "too_many_lookups",
          "too_many_connections",
          "rate_limited",
          "too_many_uploads_per_user" -> StatusCodes.TOO_MANY_REQUESTS;
      case "unauthorized", "bad_credentials" -> StatusCodes.UNAUTHORIZED;
      case "internal_error" -> StatusCodes.INTERNAL_SERVER_ERROR;
      case "unavailable" -> StatusCodes.SERVICE_UNAVAILABLE;
      default -> StatusCodes.BAD_REQUEST;
    };
  }

  Route unauthorized() {
    return error(StatusCodes.UNAUTHORIZED, "unauthorized", "missing, bad, expired or revoked token");
  }

  /** 429 {@code rate_limited}: {@code retryAfterMs} in the body, and Retry-After in whole seconds (rounded up). */
  Route rateLimited(String message, long retryAfterMs) {
    return respondWithHeader(
        RawHeader.create("Retry-After", Long.toString((retryAfterMs + 999) / 1000)),
        () -> complete(StatusCodes.TOO_MANY_REQUESTS, ErrorBody.rateLimited(message, retryAfterMs), JSON));
  }

  Route noSuchUser() {
    return error(StatusCodes.NOT_FOUND, "no_such_user", "there is no such user");
  }

  Route invalidQuery(String message) {
    return error(StatusCodes.BAD_REQUEST, "invalid_query", message);
  }

  Route notFound() {
    return error(StatusCodes.NOT_FOUND, "not_found", "no such endpoint");
  }

  Route error(StatusCode status, String code, String message) {
    return complete(status, ErrorBody.of(code, message), JSON);
  }

  static HttpResponse errorResponse(StatusCode status, String code, String message) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(
              ContentTypes.APPLICATION_JSON,
              Json.mapper().writeValueAsBytes(ErrorBody.of(code, message)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  <T> Route body(Class<T> type, Function<T, Route> inner) {
    return optionalBody(type, value -> value == null
        ? error(StatusCodes.BAD_REQUEST, "invalid_request", "this call needs a JSON body")
        : inner.apply(value));
  }

  /**
   * A JSON body that may be absent; malformed JSON is a 400 with the reason, never a 500. A body over the limit is
   * answered here (413), not rejected: a rejection would fall through to the next route (for signup and login, the
   * authenticated ones, which said 401).
   */
  <T> Route optionalBody(Class<T> type, Function<T, Route> inner) {
    return handleRejections(rejections(), () -> extractRequestEntity(entity -> entity(Unmarshaller.entityToString(),
        text -> {
          if (text.isBlank()) {
            return inner.apply(null);
          }
          // A body in any other type is refused before it is read: a page on another site can post text/plain (a
          // "simple" request, no preflight) but never application/json, so this closes cross-site form posts.
          if (!isJson(entity.getContentType())) {
            return unsupportedMediaType();
          }
          T value;
          try {
            value = Json.mapper().readValue(text, type);
          } catch (IOException e) {
            return error(StatusCodes.BAD_REQUEST, "invalid_request", "the body is not the JSON object this call takes");
          }
          return inner.apply(value);
        })));
  }

  static boolean isJson(ContentType type) {
    var media = type.mediaType();
    return media.mainType().equals("application") && media.subType().equals("json");
  }

  Route unsupportedMediaType() {
    return error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
        "a JSON body needs Content-Type: application/json");
  }

  RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rs -> error(StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed",
            "use " + String.join(" or ", rs.stream().map(r -> r.supported().name()).toList())))
        .handle(MalformedQueryParamRejection.class, r -> invalidQuery(r.errorMsg()))
        .handle(MalformedRequestContentRejection.class, r ->
            r.getCause() instanceof EntityStreamSizeException big
                ? error(StatusCodes.PAYLOAD_TOO_LARGE, "body_too_large", "the body is larger than " + big.limit() + " bytes")
                : error(StatusCodes.BAD_REQUEST, "invalid_request", "the body could not be read"))
        .handle(UnsupportedRequestContentTypeRejection.class, r -> unsupportedMediaType())
        .handle(ExpectedWebSocketRequestRejection.class, r ->
            error(StatusCodes.BAD_REQUEST, "websocket_required", "this endpoint speaks WebSocket only"))
        .handleNotFound(notFound())
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(response -> response.entity().getContentType().equals(
                ContentTypes.APPLICATION_JSON)
            ? response
            : errorResponse(response.status(), "invalid_request", "the request was not understood"));
  }

  ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(AskTimeoutException.class, e -> unavailable())
        .match(TimeoutException.class, e -> unavailable())
        .match(CompletionException.class, e -> e.getCause() instanceof TimeoutException ? unavailable() : internal(e))
        .matchAny(this::internal)
        .build();
  }

  Route unavailable() {
    return error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "the node could not answer in time; try again");
  }

  Route internal() {
    return internal(null);
  }

  /** 500: the failure is logged with its cause (the client is told nothing more). */
  Route internal(Throwable cause) {
    system.log().error("unexpected failure in a route", cause);
    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", "internal error");
  }

  EntityRef<UserAccount.Command> user(String username) {
    return sharding.entityRefFor(UserAccount.ENTITY_KEY, username);
  }

  EntityRef<ChatRoom.Command> room(String id) {
    return sharding.entityRefFor(ChatRoom.ENTITY_KEY, id);
  }

  /**
   * A send's answer as its client gets it over HTTP: the stored entry as the wire has it (a resend's first copy, read
   * from the journal when the room no longer holds it in memory), else the refusal as the room or the gate gave it.
   */
  static CompletionStage<Object> entryOrRefusal(CompletionStage<ChatRoom.SendOutcome> answer, String roomId,
      String user, History history) {
    return answer.thenCompose(outcome -> {
      if (outcome instanceof ChatRoom.SendStored stored && stored.entry() != null) {
        return CompletableFuture.completedFuture(WireEntries.of(roomId, stored.entry()));
      }
      if (outcome instanceof ChatRoom.SendStored stored) {
        return history.page(roomId, user, null, stored.seq() - 1, 1).thenApply(page ->
            page instanceof ChatRoom.Page p && p.entries().size() == 1 ? WireEntries.page(roomId, p).get(0) : page);
      }
      return CompletableFuture.completedFuture(outcome);
    });
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  CompletionStage<UserAccount.Result> addRoom(String username, String roomId, long joinSeq) {
    return user(username).ask(r -> new UserAccount.AddRoom(roomId, joinSeq, r), timeout);
  }

  Route validRoom(String id, Supplier<Route> inner) {
    return Validation.isValidRoomId(id) ? inner.get() : rejected(new ChatRoom.Rejected("no_such_room", "there is no such room"));
  }

  /**
   * One use of a limit whose window outlives the entities (rooms and group DMs created, invitations sent): Done, or
   * the refusal with its code, its number and when a place comes free. Counted by the user's {@link LimitLog}, so that neither a
   * passivation nor a restart opens the window again.
   */
  CompletionStage<Object> take(String username, String limit, int max, Duration window, String code, String verb,
      String what, String setting) {
    return LimitLog.of(system, username).<LimitLog.Answer>ask(r -> new LimitLog.Take(limit, max, window, r), timeout)
        .thenApply(answer -> answer instanceof LimitLog.Refused refused
            ? new UserAccount.Rejected(code, "you " + verb + " " + max + " " + what + " in the last "
                + LimitLog.humane(window) + ", the limit (" + setting + "); a place comes free in "
                + LimitLog.humane(Duration.ofMillis(refused.retryAfterMs())))
            : UserAccount.Done.INSTANCE);
  }

  /** Kick, ban or unban as {@code me}; a removed user's entity drops the room from their list, as a leave does. */
  CompletionStage<ChatRoom.ModerationResult> moderateAs(String me, String id, String action, String target,
      String reason) {
    return room(id)
        .<ChatRoom.ModerationResult>ask(r -> new ChatRoom.Moderate(me, action, target, reason, r), timeout)
        .thenCompose(result -> result instanceof ChatRoom.RoomView && !"unban".equals(action)
            ? user(target).<UserAccount.Result>ask(r -> new UserAccount.RemoveRoom(id, new UserNotice.Removal(
                "kick".equals(action) ? "kicked" : "banned", me, reason), r), timeout)
                .thenApply(d -> result)
            : CompletableFuture.completedFuture(result));
  }

  /**
   * Registers an account (hashing its password off the actor) and lists it with the server; the server's first account
   * becomes its admin. Done, or the entity's refusal ({@code username_taken}).
   */
  CompletionStage<UserAccount.Result> register(String username, String password) {
    return CompletableFuture.supplyAsync(() -> Secrets.hashPassword(password, bcryptCost), blocking)
        .thenCompose(hash -> user(username).<UserAccount.Result>ask(r -> new UserAccount.Register(hash, r), timeout))
        .thenCompose(result -> result != UserAccount.Done.INSTANCE ? CompletableFuture.completedFuture(result)
            : ServerAdmin.get(system).accountMade(username).thenApply(first -> result));
  }

  /**
   * An act that, done ({@code done}'s type), is written to the audit log before it is answered; a refusal is not
   * an act and is answered as it is.
   */
  <T> CompletionStage<T> audited(CompletionStage<T> act, Class<?> done, String actor, String action, String target,
      String roomId, String detail, String address) {
    return act.thenCompose(result -> !done.isInstance(result) ? CompletableFuture.completedFuture(result)
        : ServerAdmin.get(system).audit(actor, action, target, roomId, detail, address).thenApply(v -> result));
  }

  /** The client's address as the audit log keeps it (null where unknown). */
  Route withAddress(Function<String, Route> inner) {
    return extractRequest(request -> inner.apply(
        ConnectionGuard.clientAddress(request).map(InetAddress::getHostAddress).orElse(null)));
  }

  static Room toWire(ChatRoom.RoomView v) {
    return new Room(
        v.id(), v.name(), v.kind(), v.owner(), v.capacity(), v.hasPasscode(), v.lastSeq(),
        v.members().stream().map(m -> new Member(m.username(), m.online(), m.lastSeen(), m.role())).toList(), v.topic(),
        WireEntries.wire(v.retention()), v.retention() == null && v.floorSeq() <= 1 ? null : v.floorSeq(),
        v.visibility(), v.membersInvite());
  }
}
