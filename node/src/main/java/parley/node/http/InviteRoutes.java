package parley.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.Validation;
import parley.node.delivery.UserNotices;
import parley.node.room.ChatRoom;
import parley.node.user.Invite;
import parley.node.user.UserAccount;
import parley.protocol.BlockList;
import parley.protocol.InviteList;
import parley.protocol.Moderation;

/**
 * Who may reach a user: the invitations waiting for their answer ({@code /me/invites}: a group DM opened by
 * someone who shares no room with them) and the users they block ({@code /me/blocks}). Each answer goes to every
 * connection of the user at once (the user's entity tells them).
 */
final class InviteRoutes extends RouteSupport {

  private final int invitesPerWindow;
  private final Duration inviteWindow;

  InviteRoutes(ActorSystem<?> system) {
    super(system);
    this.invitesPerWindow = system.settings().config().getInt("parley.limits.invites-per-window");
    this.inviteWindow = system.settings().config().getDuration("parley.limits.invite-window");
  }

  Route forCaller(Caller caller) {
    return concat(
        path(segment("me").slash("invites"), () -> get(() -> invites(caller))),
        path(segment("me").slash("invites").slash(segment()).slash("accept"), roomId -> post(() -> validRoom(roomId,
            () -> accept(caller, roomId)))),
        path(segment("me").slash("invites").slash(segment()).slash("decline"), roomId -> post(() -> validRoom(roomId,
            () -> decline(caller, roomId)))),
        path(segment("rooms").slash(segment()).slash("invites"), roomId -> post(() -> validRoom(roomId,
            () -> body(Moderation.class, b -> invite(caller, roomId, b))))),
        path(segment("me").slash("blocks"), () -> get(() -> blocks(caller))),
        path(segment("me").slash("blocks").slash(segment()), name -> concat(
            post(() -> setBlocked(caller, name, true)),
            delete(() -> setBlocked(caller, name, false)))));
  }

  private Route invites(Caller caller) {
    return onSuccess(user(caller.username()).<UserAccount.InvitesView>ask(UserAccount.GetInvites::new, timeout),
        view -> complete(StatusCodes.OK, new InviteList(view.invites().stream().map(UserNotices::toWire).toList()),
            JSON));
  }

  /** Joins the room of the invitation (the user is one of its parties); the user's entity ends the invitation. */
  private Route accept(Caller caller, String roomId) {
    String me = caller.username();
    CompletionStage<Object> accepted = user(me).<UserAccount.InvitesView>ask(UserAccount.GetInvites::new, timeout)
        .thenCompose(view -> {
          if (view.invites().stream().map(Invite::roomId).noneMatch(roomId::equals)) {
            return CompletableFuture.completedFuture(noSuchInvite());
          }
          return room(roomId).<ChatRoom.JoinResult>ask(r -> new ChatRoom.Join(me, null, r), timeout)
              .thenCompose(result -> result instanceof ChatRoom.Joined j
                  // Taking the room ends the invitation as accepted, on every device.
                  ? addRoom(me, roomId, Math.max(0, j.joinSeq())).thenApply(done -> (Object) j.room())
                  // The room is gone or no longer takes them: the invitation goes, and the user is told why.
                  : user(me).<UserAccount.Result>ask(r -> new UserAccount.EndInvite(roomId, false, r), timeout)
                      .thenApply(done -> (Object) result));
        });
    return onSuccess(accepted, result -> result instanceof ChatRoom.RoomView v
        ? complete(StatusCodes.OK, toWire(v), JSON) : rejected(result));
  }

  /**
   * v1.3: the owner or an admin invites a user to a room: an {@code invited} entry in the room, and an invitation in
   * the invitee's list and on each of their connections (none if the invitee blocks the inviter: they are not told).
   * The invitee joins by accepting it, past the passcode and into a private room.
   */
  private Route invite(Caller caller, String roomId, Moderation body) {
    String invitee = body == null ? null : Validation.canonicalUsername(body.username());
    if (!Validation.isValidUsername(invitee)) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "username names the user to invite");
    }
    if (invitee.equals(caller.username())) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "you cannot invite yourself");
    }
    String me = caller.username();
    CompletionStage<Object> done = user(invitee).<UserAccount.PresenceView>ask(UserAccount.GetPresence::new, timeout)
        .thenCompose(presence -> !presence.exists()
            ? CompletableFuture.completedFuture((Object) new UserAccount.Rejected("no_such_user", "there is no such user"))
            : take(me, "invites", invitesPerWindow, inviteWindow, "too_many_invites", "sent", "invitations",
                "parley.limits.invites-per-window"))
        .thenCompose(allowed -> allowed != UserAccount.Done.INSTANCE ? CompletableFuture.completedFuture(allowed)
            : room(roomId).<ChatRoom.ModerationResult>ask(r -> new ChatRoom.Invite(me, invitee, r), timeout)
                .thenApply(result -> {
                  if (result instanceof ChatRoom.RoomView v) {
                    user(invitee).tell(new UserAccount.AddInvite(new Invite(roomId, v.kind(), v.name(), me, now())));
                    return UserAccount.Done.INSTANCE;
                  }
                  return (Object) result;
                }));
    return onSuccess(done, result -> result == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT)
        : rejected(result));
  }

  private Route decline(Caller caller, String roomId) {
    return onSuccess(user(caller.username()).<UserAccount.Result>ask(
            r -> new UserAccount.EndInvite(roomId, false, r), timeout),
        result -> result == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT) : rejected(result));
  }

  private Route blocks(Caller caller) {
    return onSuccess(user(caller.username()).<UserAccount.BlocksView>ask(UserAccount.GetBlocks::new, timeout),
        view -> complete(StatusCodes.OK, new BlockList(view.blocked()), JSON));
  }

  /** Blocking needs a user who exists (unblocking does not: a closed account can still be unblocked). */
  private Route setBlocked(Caller caller, String raw, boolean blocked) {
    String target = Validation.canonicalUsername(raw);
    if (!Validation.isValidUsername(target)) {
      return noSuchUser();
    }
    if (target.equals(caller.username())) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "you cannot block yourself");
    }
    CompletionStage<Object> done = (blocked
        ? user(target).<UserAccount.PresenceView>ask(UserAccount.GetPresence::new, timeout).thenApply(p -> p.exists())
        : CompletableFuture.completedFuture(true))
        .thenCompose(exists -> !exists ? CompletableFuture.completedFuture((Object) null)
            : user(caller.username()).<UserAccount.Result>ask(r -> new UserAccount.SetBlocked(target, blocked, r),
                timeout).thenApply(r -> (Object) r));
    return onSuccess(done, result -> result == null ? noSuchUser()
        : result == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT) : rejected(result));
  }

  private static UserAccount.Rejected noSuchInvite() {
    return new UserAccount.Rejected("no_such_invite", "you have no invitation to that room");
  }
}
