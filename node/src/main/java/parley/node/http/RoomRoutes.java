package parley.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.NodeMetrics;
import parley.node.Secrets;
import parley.node.Validation;
import parley.node.delivery.WireEntries;
import parley.node.limits.FailureBackoff;
import parley.node.limits.LimitLog;
import parley.node.room.ChatRoom;
import parley.node.room.History;
import parley.node.room.RoomDirectory;
import parley.node.room.RoomInfo;
import parley.node.room.TimelineEntry;
import parley.node.user.Invite;
import parley.node.user.UserAccount;
import parley.node.user.UserNotice;
import parley.node.user.UserSettings;
import parley.protocol.CreateRoom;
import parley.protocol.ErrorBody;
import parley.protocol.GroupDm;
import parley.protocol.JoinRoom;
import parley.protocol.Limits;
import parley.protocol.MarkRead;
import parley.protocol.Message;
import parley.protocol.MessagePage;
import parley.protocol.Moderation;
import parley.protocol.PostMessage;
import parley.protocol.RoleChange;
import parley.protocol.RoomChange;
import parley.protocol.RoomListing;
import parley.protocol.RoomReceipts;

/**
 * Rooms and DMs: the listing, creating, joining and leaving, the timeline (pages and posts), read markers.
 *
 * <p>Long because each room route maps its own answers to statuses and error codes; files, invitations and accounts
 * have route classes of their own.
 */
final class RoomRoutes extends RouteSupport {
  private final History history;
  private final UserSettings.Limits userLimits;
  private final FailureBackoff.Rule passcodeRule;

  RoomRoutes(ActorSystem<?> system, History history) {
    super(system);
    this.history = history;
    this.userLimits = UserSettings.fromConfig(system.settings().config()).limits();
    this.passcodeRule = FailureBackoff.Rule.fromConfig(system.settings().config().getConfig("parley.limits.passcode"));
  }

  Route forCaller(Caller caller) {
    return concat(
        pathPrefix("rooms", () -> concat(
            pathEnd(() -> concat(
                get(() -> listRooms()),
                post(() -> body(CreateRoom.class, b -> createRoom(caller, b))))),
            pathPrefix(segment(), id -> validRoom(id, () -> concat(
                pathEnd(() -> concat(
                    get(() -> getRoom(caller, id)),
                    delete(() -> withAddress(a -> deleteRoom(caller, a, id))),
                    patch(() -> body(RoomChange.class, b -> changeRoom(caller, id, b))))),
                path("kick", () -> post(() -> withAddress(a -> body(Moderation.class,
                    b -> moderate(caller, a, id, "kick", b))))),
                path("ban", () -> post(() -> withAddress(a -> body(Moderation.class,
                    b -> moderate(caller, a, id, "ban", b))))),
                path("unban", () -> post(() -> withAddress(a -> body(Moderation.class,
                    b -> moderate(caller, a, id, "unban", b))))),
                path("roles", () -> post(() -> withAddress(a -> body(RoleChange.class, b -> setRole(caller, a, id, b))))),
                path("join", () -> post(() -> optionalBody(JoinRoom.class, b -> join(caller, id, b)))),
                path("leave", () -> post(() -> leave(caller, id))),
                path("messages", () -> concat(
                    get(() -> messages(caller, id)),
                    post(() -> body(PostMessage.class, b -> postMessage(caller, id, b))))),
                path(segment("messages").slash(PathMatchers.longSegment()),
                    seq -> concat(
                        patch(() -> body(PostMessage.class, b -> changeMessage(caller, id, seq, "edit", b))),
                        delete(() -> changeMessage(caller, id, seq, "delete",
                            new PostMessage(UUID.randomUUID().toString(), null))))),
                path("read", () -> post(() -> body(MarkRead.class, b -> markRead(caller, id, b)))),
                path("receipts", () -> get(() -> receipts(caller, id)))))))),
        path(segment("dms").slash(segment()), user -> post(() -> openDm(caller, user))),
        path("dms", () -> post(() -> body(GroupDm.class, b -> openGroup(caller, b)))));
  }

  /** A page of the room listing: {@code ?q=} filters names, {@code ?after=} is the {@code next} of the page before. */
  Route listRooms() {
    return parameterOptional("q", q -> parameterOptional("after", after -> parameterOptional("limit", limit -> {
      int n;
      try {
        n = limit.map(Integer::parseInt).orElse(Limits.ROOM_LIST_DEFAULT);
      } catch (NumberFormatException e) {
        return invalidQuery("limit is a whole number");
      }
      if (n < 1 || n > Limits.PAGE_MAX) {
        return invalidQuery("limit is 1 to " + Limits.PAGE_MAX);
      }
      if (q.isPresent() && (q.get().isBlank() || q.get().codePointCount(0, q.get().length()) > Limits.ROOM_NAME_MAX)) {
        return invalidQuery("q is 1 to " + Limits.ROOM_NAME_MAX + " characters of a room's name");
      }
      Optional<String> cursor = after.flatMap(RoomRoutes::fromCursor);
      if (after.isPresent() && cursor.isEmpty()) {
        return invalidQuery("after is the next of an earlier page");
      }
      return onSuccess(
          sharding.entityRefFor(RoomDirectory.ENTITY_KEY, RoomDirectory.ID).<RoomDirectory.Listings>ask(
              r -> new RoomDirectory.GetListings(q.orElse(null), cursor.orElse(null), n, r), timeout),
          listings -> complete(
              StatusCodes.OK,
              new RoomListing(listings.rooms().stream()
                  .map(l -> new RoomListing.Entry(l.id(), l.name(), l.members(), l.online(), l.passcode(), l.capacity()))
                  .toList(), listings.next() == null ? null : toCursor(listings.next())),
              JSON));
    })));
  }

  static String toCursor(String sortKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
  }

  static Optional<String> fromCursor(String cursor) {
    try {
      String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      return key.indexOf('\u0000') > 0 ? Optional.of(key) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  Route createRoom(Caller caller, CreateRoom body) {
    var problem = Validation.room(body.name(), body.passcode(), body.capacity());
    if (problem.isPresent()) {
      return error(StatusCodes.BAD_REQUEST, problem.get().code(), problem.get().message());
    }
    if (body.visibility() != null && !RoomInfo.VISIBILITIES.contains(body.visibility())) {
      return invalidVisibility();
    }
    String id = Secrets.newRoomId();
    int capacity = body.capacity() == null ? Limits.CAPACITY_DEFAULT : body.capacity();
    CompletionStage<Object> created = take(caller.username(), "rooms", userLimits.roomsPerWindow(),
            userLimits.roomWindow(), "too_many_rooms", "created", "rooms", "parley.limits.rooms-per-window")
        .thenCompose(allowed -> allowed != UserAccount.Done.INSTANCE
            ? CompletableFuture.completedFuture((Object) allowed)
            : CompletableFuture.supplyAsync(
                () -> body.passcode() == null ? null : Secrets.hashPassword(body.passcode(), bcryptCost), blocking)
            .thenCompose(hash -> room(id).<ChatRoom.CreateResult>ask(
                r -> new ChatRoom.Create(body.name().strip(), ChatRoom.KIND_ROOM, caller.username(), hash, capacity,
                    List.of(), r, List.of(), body.visibility()),
                timeout))
            .thenCompose(result -> addRoom(caller.username(), id, 1).thenApply(done -> (Object) result)));
    return onSuccess(created, result -> result instanceof ChatRoom.Created c
        ? complete(StatusCodes.CREATED, toWire(c.room()), JSON)
        : rejected(result));
  }

  private Route invalidVisibility() {
    return error(StatusCodes.BAD_REQUEST, "invalid_room", "visibility is public, unlisted or private");
  }

  /** The owner or an admin changes the room's name, topic, passcode or capacity. */
  Route changeRoom(Caller caller, String id, RoomChange body) {
    if (body.name() == null && body.topic() == null && body.passcode() == null && body.capacity() == null
        && body.retention() == null && body.visibility() == null && body.membersInvite() == null) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request",
          "give at least one of name, topic, passcode, capacity, retention, visibility, membersInvite");
    }
    if (body.visibility() != null && !RoomInfo.VISIBILITIES.contains(body.visibility())) {
      return invalidVisibility();
    }
    var retention = body.retention();
    if (retention != null && ((retention.maxMessages() != null && (retention.maxMessages() < Limits.RETENTION_MESSAGES_MIN
        || retention.maxMessages() > Limits.RETENTION_MESSAGES_MAX))
        || (retention.maxAgeDays() != null && (retention.maxAgeDays() < 1 || retention.maxAgeDays() > Limits.RETENTION_DAYS_MAX)))) {
      return error(StatusCodes.BAD_REQUEST, "invalid_retention", "retention keeps maxMessages "
          + Limits.RETENTION_MESSAGES_MIN + " to " + Limits.RETENTION_MESSAGES_MAX + " or maxAgeDays 1 to "
          + Limits.RETENTION_DAYS_MAX + " ({} keeps everything)");
    }
    String passcode = body.passcode() == null || body.passcode().isEmpty() ? null : body.passcode();
    var problem = Validation.room(body.name() == null ? "x" : body.name(), passcode, body.capacity());
    if (problem.isPresent()) {
      return error(StatusCodes.BAD_REQUEST, problem.get().code(), problem.get().message());
    }
    if (body.topic() != null && (body.topic().codePointCount(0, body.topic().length()) > Limits.TOPIC_MAX
        || !Validation.isOneLine(body.topic()))) {
      return error(StatusCodes.BAD_REQUEST, "invalid_room", "a topic is one line of at most " + Limits.TOPIC_MAX
          + " characters");
    }
    CompletionStage<ChatRoom.ModerationResult> changed = CompletableFuture
        .supplyAsync(() -> passcode == null ? null : Secrets.hashPassword(passcode, bcryptCost), blocking)
        .thenCompose(hash -> room(id).ask(r -> new ChatRoom.Change(caller.username(),
            body.name() == null ? null : body.name().strip(), body.topic(), body.passcode() != null, hash,
            body.capacity(), r, retention, body.visibility(), body.membersInvite()), timeout));
    return onSuccess(changed, this::roomOrRefusal);
  }

  /** Kick, ban or unban; a removed user's entity drops the room from their list, as a leave does. */
  Route moderate(Caller caller, String address, String id, String action, Moderation body) {
    String target = Validation.canonicalUsername(body.username());
    if (!Validation.isValidUsername(target)) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "username names the user to " + action);
    }
    if (body.reason() != null && (body.reason().codePointCount(0, body.reason().length()) > Limits.REASON_MAX
        || !Validation.isOneLine(body.reason()))) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "a reason is one line of at most " + Limits.REASON_MAX
          + " characters");
    }
    String reason = body.reason() == null || body.reason().isBlank() ? null : body.reason().strip();
    return onSuccess(audited(moderateAs(caller.username(), id, action, target, reason), ChatRoom.RoomView.class,
        caller.username(), action, target, id, reason, address), this::roomOrRefusal);
  }

  /** The owner deletes the room; each member's entity drops it from their list. */
  Route deleteRoom(Caller caller, String address, String id) {
    CompletionStage<ChatRoom.DeleteResult> deleted = room(id)
        .<ChatRoom.DeleteResult>ask(r -> new ChatRoom.Delete(caller.username(), r), timeout)
        .thenCompose(result -> {
          if (!(result instanceof ChatRoom.Deleted d)) {
            return CompletableFuture.completedFuture(result);
          }
          CompletableFuture<?>[] dropped = d.members().stream()
              .map(m -> user(m).<UserAccount.Result>ask(r -> new UserAccount.RemoveRoom(id,
                      new UserNotice.Removal(TimelineEntry.DELETED, caller.username(), null), r),
                      timeout)
                  .toCompletableFuture())
              .toArray(CompletableFuture[]::new);
          return CompletableFuture.allOf(dropped).thenApply(v -> result);
        });
    deleted = audited(deleted, ChatRoom.Deleted.class, caller.username(), "delete_room", null, id, null, address);
    return onSuccess(deleted, result -> result instanceof ChatRoom.Deleted ? complete(StatusCodes.NO_CONTENT)
        : rejected(result));
  }

  /** The owner names or unnames an admin, or hands the room over. */
  Route setRole(Caller caller, String address, String id, RoleChange body) {
    String target = Validation.canonicalUsername(body.username());
    if (!Validation.isValidUsername(target) || body.role() == null
        || !Set.of("owner", "admin", "member").contains(body.role())) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "username and a role: owner, admin or member");
    }
    return onSuccess(audited(room(id).<ChatRoom.ModerationResult>ask(
        r -> new ChatRoom.SetRole(caller.username(), target, body.role(), r), timeout), ChatRoom.RoomView.class,
        caller.username(), "role", target, id, body.role(), address), this::roomOrRefusal);
  }

  private Route roomOrRefusal(Object result) {
    return result instanceof ChatRoom.RoomView v ? complete(StatusCodes.OK, toWire(v), JSON) : rejected(result);
  }

  /** Every member's delivered and read markers, for a member. */
  Route receipts(Caller caller, String id) {
    return onSuccess(
        room(id).<ChatRoom.ReceiptsResult>ask(r -> new ChatRoom.GetReceipts(caller.username(), r), timeout),
        result -> result instanceof ChatRoom.ReceiptsView v
            ? complete(StatusCodes.OK, new RoomReceipts(v.members()), JSON)
            : rejected(result));
  }

  Route getRoom(Caller caller, String id) {
    return onSuccess(
        room(id).<ChatRoom.GetResult>ask(r -> new ChatRoom.Get(caller.username(), r), timeout),
        result -> result instanceof ChatRoom.RoomView v ? complete(StatusCodes.OK, toWire(v), JSON) : rejected(result));
  }

  /** Null, or the refusal of a join whose passcode is not even checked yet: the user's wrong ones earned a wait. */
  private CompletionStage<ChatRoom.JoinResult> passcodeWait(String username, String roomId, String passcode) {
    if (passcode == null) {
      return CompletableFuture.completedFuture(null);
    }
    return LimitLog.of(system, username)
        .<LimitLog.Answer>ask(r -> new LimitLog.WaitFor("passcode:" + roomId, passcodeRule, r), timeout)
        .thenApply(answer -> answer instanceof LimitLog.Refused refused
            ? new ChatRoom.JoinThrottled(refused.retryAfterMs(), "too many wrong passcodes for this room "
                + "(parley.limits.passcode); try again in " + (refused.retryAfterMs() + 999) / 1000 + " s")
            : null);
  }

  /** A passcode the room checked: a wrong one is written down before the answer goes, a right one clears them. */
  private CompletionStage<ChatRoom.JoinResult> passcodeTried(String username, String roomId, String passcode,
      ChatRoom.JoinResult result) {
    boolean wrong = result instanceof ChatRoom.Rejected r && r.code().equals("wrong_passcode");
    if (passcode == null || !(wrong || result instanceof ChatRoom.Joined)) {
      return CompletableFuture.completedFuture(result);
    }
    String key = "passcode:" + roomId;
    return LimitLog.of(system, username).<LimitLog.Answer>ask(r -> wrong ? new LimitLog.Fail(key, r)
            : new LimitLog.Succeed(key, r), timeout)
        .thenApply(written -> result);
  }

  Route join(Caller caller, String id, JoinRoom body) {
    String passcode = body == null ? null : body.passcode();
    String me = caller.username();
    CompletionStage<ChatRoom.JoinResult> joined = passcodeWait(me, id, passcode)
        .thenCompose(held -> held != null ? CompletableFuture.completedFuture(held)
            : room(id).<ChatRoom.JoinResult>ask(r -> new ChatRoom.Join(me, passcode, r), timeout)
                .thenCompose(result -> passcodeTried(me, id, passcode, result)))
        .thenCompose(result -> result instanceof ChatRoom.Joined j
            ? addRoom(me, id, Math.max(0, j.joinSeq())).thenApply(done -> result)
            : CompletableFuture.completedFuture(result));
    return onSuccess(joined, result -> result instanceof ChatRoom.Joined j
        ? complete(StatusCodes.OK, toWire(j.room()), JSON)
        : rejected(result));
  }

  Route leave(Caller caller, String id) {
    CompletionStage<ChatRoom.LeaveResult> left =
        room(id).<ChatRoom.LeaveResult>ask(r -> new ChatRoom.Leave(caller.username(), r), timeout)
            .thenCompose(result -> result instanceof ChatRoom.Left
                ? user(caller.username())
                    .<UserAccount.Result>ask(r -> new UserAccount.RemoveRoom(id, r), timeout)
                    .thenApply(done -> result)
                : CompletableFuture.completedFuture(result));
    return onSuccess(left, result -> result instanceof ChatRoom.Left ? complete(StatusCodes.NO_CONTENT) : rejected(result));
  }

  Route openDm(Caller caller, String raw) {
    String other = Validation.canonicalUsername(raw);
    if (!Validation.isValidUsername(other)) {
      return noSuchUser();
    }
    if (other.equals(caller.username())) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "a DM needs another user");
    }
    String me = caller.username();
    String id = ChatRoom.dmId(me, other);
    String name = me + ", " + other;
    // One rule with group DMs: someone who shares a room with the caller is in the DM at once; a stranger gets an
    // invitation and hears nothing of it until they accept (or open it themselves); one who blocks the caller gets
    // nothing and is not told (their entity drops the invitation). Either way the caller talks into a room only
    // they are in until then.
    CompletionStage<Object> opened = reach(me, List.of(other))
        .thenApply(reached -> reached.get(0))
        .thenCompose(p -> {
          if (!p.exists()) {
            return CompletableFuture.completedFuture(null);
          }
          boolean joins = p.sharesRoom() && !p.blocks();
          return room(id).<ChatRoom.CreateResult>ask(
                  r -> new ChatRoom.Create(name, ChatRoom.KIND_DM, me, null, 2, joins ? List.of(other) : List.of(), r),
                  timeout)
              .thenCompose(result -> {
                if (result instanceof ChatRoom.Created && !joins) {
                  user(other).tell(new UserAccount.AddInvite(new Invite(id, ChatRoom.KIND_DM, name, me, now())));
                }
                return dmOpened(me, joins ? other : null, id, result);
              });
        });
    return onSuccess(opened, result -> {
      if (result == null) {
        return noSuchUser();
      }
      return result instanceof ChatRoom.RoomView v ? complete(StatusCodes.OK, toWire(v), JSON) : rejected(result);
    });
  }

  /**
   * The group DM of the caller and 2 to 9 others (one room per set of people, whoever asks): created, or the
   * existing one (joined again by a caller who had left it). It counts against the caller's group DM limit; of
   * the others, those who share a room with the caller are in it at once, the rest get an invitation (they join when
   * they accept, and hear nothing of it before), and those who block the caller get nothing and are not told.
   */
  Route openGroup(Caller caller, GroupDm body) {
    TreeSet<String> others = new TreeSet<>();
    for (String raw : body.usernames() == null ? List.<String>of() : body.usernames()) {
      String u = Validation.canonicalUsername(raw);
      if (!Validation.isValidUsername(u)) {
        return error(StatusCodes.BAD_REQUEST, "invalid_request", "usernames holds something that is no username");
      }
      if (!u.equals(caller.username())) {
        others.add(u);
      }
    }
    if (others.size() < 2 || others.size() > Limits.GROUP_OTHERS_MAX) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "a group DM is you and 2 to " + Limits.GROUP_OTHERS_MAX
          + " others (a DM with one person is POST /api/v1/dms/{username})");
    }
    TreeSet<String> all = new TreeSet<>(others);
    all.add(caller.username());
    String id = ChatRoom.groupId(all);
    String name = String.join(", ", all);
    CompletionStage<Object> opened = take(caller.username(), "group-dms", userLimits.groupDmsPerWindow(),
            userLimits.groupDmWindow(), "too_many_group_dms", "opened", "group DMs", "parley.limits.group-dms-per-window")
        .thenCompose(allowed -> allowed != UserAccount.Done.INSTANCE
            ? CompletableFuture.completedFuture((Object) allowed)
            : reach(caller.username(), others).thenCompose(reach -> {
              List<String> missing = reach.stream().filter(r -> !r.exists()).map(UserAccount.Reach::username).toList();
              if (!missing.isEmpty()) {
                return CompletableFuture.completedFuture(
                    (Object) new ChatRoom.Rejected("no_such_user", "there is no user " + String.join(", ", missing)));
              }
              List<String> joining = reach.stream().filter(r -> r.sharesRoom() && !r.blocks())
                  .map(UserAccount.Reach::username).toList();
              List<String> invited = reach.stream().filter(r -> !r.sharesRoom() || r.blocks())
                  .map(UserAccount.Reach::username).toList();
              return room(id).<ChatRoom.CreateResult>ask(r -> new ChatRoom.Create(name, ChatRoom.KIND_GROUP,
                      caller.username(), null, all.size(), joining, r, invited), timeout)
                  .thenCompose(result -> {
                    if (!(result instanceof ChatRoom.Created c)) {
                      return dmOpened(caller.username(), null, id, result);
                    }
                    List<CompletableFuture<?>> added = new ArrayList<>();
                    added.add(addRoom(caller.username(), id, 1).toCompletableFuture());
                    joining.forEach(u -> added.add(addRoom(u, id, 0).toCompletableFuture()));
                    // One who blocks the caller is told nothing: their entity drops the invitation.
                    Invite invite = new Invite(id, ChatRoom.KIND_GROUP, name,
                        caller.username(), now());
                    invited.forEach(u -> user(u).tell(new UserAccount.AddInvite(invite)));
                    return CompletableFuture.allOf(added.toArray(CompletableFuture[]::new)).thenApply(d -> (Object) c.room());
                  });
            }));
    return onSuccess(opened, result -> result instanceof ChatRoom.RoomView v ? complete(StatusCodes.OK, toWire(v), JSON)
        : rejected(result));
  }

  /** How each of {@code others} stands towards {@code caller}: exists, blocks them, shares a room with them. */
  private CompletionStage<List<UserAccount.Reach>> reach(String caller, Collection<String> others) {
    return user(caller).<UserAccount.Summary>ask(UserAccount.GetSummary::new, timeout).thenCompose(summary -> {
      Set<String> rooms = Set.copyOf(summary.rooms().keySet());
      List<CompletableFuture<UserAccount.Reach>> asked = others.stream()
          .map(u -> user(u).<UserAccount.Reach>ask(r -> new UserAccount.CheckReach(caller, rooms, r), timeout)
              .toCompletableFuture())
          .toList();
      return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
          .thenApply(v -> asked.stream().map(CompletableFuture::join).toList());
    });
  }

  /** A new DM is in both users' lists; a DM the caller left is joined again, from its latest entry on. */
  CompletionStage<Object> dmOpened(String caller, String other, String id, ChatRoom.CreateResult result) {
    if (result instanceof ChatRoom.Created c) {
      return addRoom(caller, id, 1).thenCompose(d -> other == null ? CompletableFuture.completedFuture(d)
          : addRoom(other, id, 0)).thenApply(d -> c.room());
    }
    if (result instanceof ChatRoom.RoomView v && v.isMember()) {
      return CompletableFuture.completedFuture(v);
    }
    return room(id).<ChatRoom.JoinResult>ask(r -> new ChatRoom.Join(caller, null, r), timeout)
        .thenCompose(j -> j instanceof ChatRoom.Joined joined
            ? addRoom(caller, id, Math.max(0, joined.joinSeq())).thenApply(d -> (Object) joined.room())
            : CompletableFuture.completedFuture(j));
  }

  Route messages(Caller caller, String id) {
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
      return onSuccess(history.page(id, caller.username(), b, a, n), result -> {
        if (result instanceof ChatRoom.Page page) {
          return complete(
              StatusCodes.OK,
              new MessagePage(WireEntries.page(id, page), page.hasMore(), page.floorSeq() == null ? null : Boolean.TRUE,
                  page.floorSeq()),
              JSON);
        }
        if (result instanceof ChatRoom.CursorAhead ahead) {
          return cursorAhead(caller.username(), id, a, ahead.lastSeq());
        }
        return rejected(result);
      });
    })));
  }

  /** An edit or a delete of the message at {@code seq}, as an entry of its own (200 with it). */
  Route changeMessage(Caller caller, String id, long seq, String kind, PostMessage body) {
    String clientMsgId = body.clientMsgId() != null ? body.clientMsgId() : UUID.randomUUID().toString();
    return send(caller, id, clientMsgId, body.text(), kind, seq, null, StatusCodes.OK);
  }

  Route postMessage(Caller caller, String id, PostMessage body) {
    return send(caller, id, body.clientMsgId(), body.text(), "message", null, body.replyTo(), StatusCodes.CREATED);
  }

  /** Through the sender's gate to the room, as a socket's send goes; the room validates it and answers the entry. */
  private Route send(Caller caller, String id, String clientMsgId, String text, String kind, Long target, Long answers,
      StatusCode created) {
    CompletionStage<ChatRoom.SendOutcome> answer = user(caller.username()).ask(r -> new UserAccount.SendThrough(id,
        new ChatRoom.Send(caller.username(), clientMsgId, text, r, kind, target, answers, null, true)), timeout);
    return onSuccess(entryOrRefusal(answer, id, caller.username(), history), result -> {
      if (result instanceof Message m) {
        NodeMetrics.get(system).sends.increment();
        return complete(created, m, JSON);
      }
      return rejected(result);
    });
  }

  Route markRead(Caller caller, String id, MarkRead body) {
    if (body.seq() == null || body.seq() < 0) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "seq is a whole number >= 0");
    }
    CompletionStage<Object> marked =
        room(id).<ChatRoom.GetResult>ask(r -> new ChatRoom.GetSummary(caller.username(), r), timeout)
            .thenCompose(result -> {
              if (!(result instanceof ChatRoom.SummaryView v) || !v.isMember()) {
                return CompletableFuture.completedFuture(result instanceof ChatRoom.SummaryView outside
                    ? ChatRoom.outsider(outside.kind()) : result);
              }
              long seq = Math.min(body.seq(), v.lastSeq());
              return user(caller.username())
                  .<UserAccount.Result>ask(r -> new UserAccount.MarkRead(id, seq, r), timeout)
                  .thenApply(r -> (Object) r);
            });
    return onSuccess(marked, result -> result == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT) : rejected(result));
  }

  /**
   * A cursor past the room's end can only come from state the node lost (or from another server's timeline): said as
   * such to the client, which drops what it holds of the room and reads it again. Logged as a warning, which the log
   * throttle holds to one a second: any user can send such a cursor, so it must not let them write the log at will.
   */
  Route cursorAhead(String user, String roomId, long after, long lastSeq) {
    system.log().warn(
        "{} asked room {} for entries after seq {}, past its last seq {}: entries they saw are not in the journal",
        user, roomId, after, lastSeq);
    return complete(StatusCodes.CONFLICT, ErrorBody.cursorAhead(after, lastSeq), JSON);
  }
}
