package parley.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.invites.InviteLink;
import parley.node.invites.InviteLinks;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount;
import parley.protocol.InviteLinkRequest;
import parley.protocol.InviteLinkView;
import parley.protocol.InviteList;

/**
 * v1.4: invite links. The room's owner and admins make, list and revoke them ({@code /rooms/{id}/invite-links}); whoever
 * holds a token looks at it ({@code GET /invites/{token}}) and accepts it ({@code POST /invites/{token}/accept}): one
 * use is claimed in the database first, then the room is joined, and the use given back if the room refuses. The
 * token is never logged, listed or put in an error; the path that carries it is not logged by this edge.
 */
final class InviteLinkRoutes extends RouteSupport {

  private final InviteLinks links;
  private final int invitesPerWindow;
  private final Duration inviteWindow;

  InviteLinkRoutes(ActorSystem<?> system) {
    super(system);
    this.links = InviteLinks.get(system);
    this.invitesPerWindow = system.settings().config().getInt("parley.limits.invites-per-window");
    this.inviteWindow = system.settings().config().getDuration("parley.limits.invite-window");
  }

  Route forCaller(Caller caller) {
    return concat(
        path(segment("rooms").slash(segment()).slash("invite-links"), roomId -> validRoom(roomId, () -> concat(
            post(() -> body(InviteLinkRequest.class, b -> make(caller, roomId, b))),
            get(() -> list(caller, roomId))))),
        path(segment("rooms").slash(segment()).slash("invite-links").slash(segment()), (roomId, linkId) ->
            delete(() -> validRoom(roomId, () -> withAddress(a -> revoke(caller, a, roomId, linkId))))),
        path(segment("invites").slash(segment()), token -> get(() -> look(token))),
        path(segment("invites").slash(segment()).slash("accept"), token -> post(() -> accept(caller, token))));
  }

  private CompletionStage<ChatRoom.ModerationResult> mayInvite(String user, String roomId) {
    return room(roomId).ask(r -> new ChatRoom.MayInvite(user, r), timeout);
  }

  private Route make(Caller caller, String roomId, InviteLinkRequest body) {
    InviteLinks.Settings limits = links.settings();
    if (body.maxUses() != null && (body.maxUses() < 1 || body.maxUses() > limits.maxUses())) {
      return error(StatusCodes.BAD_REQUEST, "invalid_invite_link",
          "maxUses is 1 to " + limits.maxUses() + " (parley.invite-links.max-uses), or absent for any number");
    }
    long maxSeconds = limits.maxExpiry().toSeconds();
    if (body.expiresIn() != null && (body.expiresIn() < 60 || body.expiresIn() > maxSeconds)) {
      return error(StatusCodes.BAD_REQUEST, "invalid_invite_link", "expiresIn is 60 to " + maxSeconds
          + " seconds (parley.invite-links.max-expiry), or absent for " + limits.defaultExpiry().toSeconds());
    }
    Duration expiresIn = body.expiresIn() == null ? limits.defaultExpiry() : Duration.ofSeconds(body.expiresIn());
    String me = caller.username();
    CompletionStage<Object> done = mayInvite(me, roomId)
        .thenCompose(allowed -> !(allowed instanceof ChatRoom.RoomView)
            ? CompletableFuture.completedFuture((Object) allowed)
            : take(me, "invites", invitesPerWindow, inviteWindow, "too_many_invites", "sent", "invitations",
                "parley.limits.invites-per-window"))
        .thenCompose(allowed -> allowed != UserAccount.Done.INSTANCE ? CompletableFuture.completedFuture(allowed)
            : links.make(roomId, me, body.maxUses(), expiresIn).thenApply(made -> made == null
                ? (Object) new ChatRoom.Rejected("invite_links_full", "the room has " + limits.maxPerRoom()
                    + " invite links standing, the most it keeps (parley.invite-links.max-per-room): revoke one first")
                : made));
    return onSuccess(done, result -> result instanceof InviteLinks.Made made
        ? complete(StatusCodes.CREATED, wire(made.link(), made.token()), JSON) : rejected(result));
  }

  private Route list(Caller caller, String roomId) {
    CompletionStage<Object> done = mayInvite(caller.username(), roomId)
        .thenCompose(allowed -> !(allowed instanceof ChatRoom.RoomView)
            ? CompletableFuture.completedFuture((Object) allowed)
            : links.standing(roomId).thenApply(found -> (Object) new InviteLinkView.Listing(
                found.stream().map(l -> wire(l, null)).toList())));
    return onSuccess(done, result -> result instanceof InviteLinkView.Listing l
        ? complete(StatusCodes.OK, l, JSON) : rejected(result));
  }

  private Route revoke(Caller caller, String address, String roomId, String linkId) {
    CompletionStage<Object> done = mayInvite(caller.username(), roomId)
        .thenCompose(allowed -> !(allowed instanceof ChatRoom.RoomView)
            ? CompletableFuture.completedFuture((Object) allowed)
            : links.revoke(roomId, linkId).thenApply(revoked -> revoked ? (Object) UserAccount.Done.INSTANCE
                : new ChatRoom.Rejected("no_such_invite_link", "the room has no such invite link standing")));
    done = audited(done, UserAccount.Done.class, caller.username(), "revoke_invite_link", null, roomId, linkId, address);
    return onSuccess(done, result -> result == UserAccount.Done.INSTANCE ? complete(StatusCodes.NO_CONTENT)
        : rejected(result));
  }

  /** What the holder of a token is shown: the room as its maker sees it, while the link admits. */
  private Route look(String token) {
    CompletionStage<Object> done = links.look(token).thenCompose(found -> {
      if (!(found instanceof InviteLinks.Admits admits)) {
        return CompletableFuture.completedFuture(refusal(found));
      }
      InviteLink link = admits.link();
      return mayInvite(link.createdBy(), link.roomId()).thenApply(room -> room instanceof ChatRoom.RoomView v
          ? new InviteLinkView.Preview(new InviteList.RoomRef(v.id(), v.name(), v.kind()), link.createdBy(),
              link.expiresAt())
          : makerGone());
    });
    return onSuccess(done, result -> result instanceof InviteLinkView.Preview p
        ? complete(StatusCodes.OK, p, JSON) : rejected(result));
  }

  private Route accept(Caller caller, String token) {
    String me = caller.username();
    CompletionStage<Object> done = links.claim(token).thenCompose(found -> {
      if (!(found instanceof InviteLinks.Admits admits)) {
        return CompletableFuture.completedFuture(refusal(found));
      }
      InviteLink link = admits.link();
      return room(link.roomId()).<ChatRoom.JoinResult>ask(r -> new ChatRoom.JoinByLink(me, link.createdBy(), r),
              timeout)
          .thenCompose(result -> {
            if (result instanceof ChatRoom.Joined j) {
              // A member already in the room takes no use of the link.
              CompletionStage<Void> use = j.joinSeq() < 0 ? links.release(link)
                  : CompletableFuture.completedFuture(null);
              return use.thenCompose(x -> addRoom(me, link.roomId(), Math.max(0, j.joinSeq())))
                  .thenApply(x -> (Object) j.room());
            }
            Object refused = result instanceof ChatRoom.Rejected r && r.code().equals("no_such_room")
                ? new ChatRoom.Rejected("invite_expired", "the room of the invite link is gone") : result;
            return links.release(link).thenApply(x -> refused);
          });
    });
    return onSuccess(done, result -> result instanceof ChatRoom.RoomView v
        ? complete(StatusCodes.OK, toWire(v), JSON) : rejected(result));
  }

  private static Object refusal(InviteLinks.Lookup found) {
    return found instanceof InviteLinks.Spent spent ? new ChatRoom.Rejected("invite_expired", spent.why())
        : new ChatRoom.Rejected("no_such_invite", "no invite link has that token");
  }

  private static ChatRoom.Rejected makerGone() {
    return new ChatRoom.Rejected("invite_expired", "the invite link's maker may no longer invite to this room");
  }

  private static InviteLinkView wire(InviteLink l, String token) {
    return new InviteLinkView(l.id(), token, l.roomId(), l.createdBy(), l.createdAt(), l.expiresAt(), l.maxUses(),
        l.uses());
  }
}
