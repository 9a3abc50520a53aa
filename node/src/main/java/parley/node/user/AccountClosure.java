package parley.node.user;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount.AccountClosed;
import parley.node.user.UserAccount.CloseAccount;
import parley.node.user.UserAccount.ClosureSpread;
import parley.node.user.UserAccount.Command;
import parley.node.user.UserAccount.Done;
import parley.node.user.UserAccount.Event;
import parley.node.user.UserAccount.RoomToldOfClosure;
import parley.node.user.UserAccount.SpreadClosure;

/**
 * Closing the account: every token dies and every session is signed out, the name is never given again, and each
 * room the user is or was in is told, again every few seconds, until each has confirmed; then that is stored.
 */
final class AccountClosure {
  private final UserScope scope;
  private final Credentials credentials;
  private final UserRooms rooms;
  /** Soft: the rooms of a closed account that have not confirmed the closure yet. */
  private final Set<String> unconfirmed = new HashSet<>();

  AccountClosure(UserScope scope, Credentials credentials, UserRooms rooms) {
    this.scope = scope;
    this.credentials = credentials;
    this.rooms = rooms;
  }

  void addTo(CommandHandlerWithReplyBuilderByState<Command, Event, UserState, UserState> handler) {
    handler
        .onCommand(CloseAccount.class, this::onCloseAccount)
        .onCommand(RoomToldOfClosure.class, this::onRoomToldOfClosure)
        .onCommand(SpreadClosure.class, (s, c) -> {
          tellRooms();
          return scope.effect().noReply();
        });
  }

  private ReplyEffect<Event, UserState> onCloseAccount(UserState state, CloseAccount cmd) {
    if (state.closed()) {
      return scope.effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    if (!state.exists()) {
      return scope.effect().reply(cmd.replyTo(), UserScope.unauthorized());
    }
    rooms.dropPending();
    return scope.effect().persist(new AccountClosed(scope.now()))
        .thenRun(s -> {
          credentials.tokensEnded(s, "account closed");
          credentials.dropTickets();
          spread(s);
        })
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  /** Tells every room of the closed account, and again every few seconds those that have not confirmed. */
  void spread(UserState state) {
    unconfirmed.addAll(state.everyRoom());
    tellRooms();
  }

  /** Every room has confirmed (or none was to be told). */
  boolean settled() {
    return unconfirmed.isEmpty();
  }

  private void tellRooms() {
    if (unconfirmed.isEmpty()) {
      return;
    }
    ActorRef<ChatRoom.MemberClosed> confirmations =
        scope.context().messageAdapter(ChatRoom.MemberClosed.class, c -> new RoomToldOfClosure(c.roomId()));
    for (String roomId : unconfirmed) {
      scope.room(roomId).tell(new ChatRoom.CloseMember(scope.username(), confirmations));
    }
    scope.timers().startSingleTimer(SpreadClosure.INSTANCE, Duration.ofSeconds(3));
  }

  private ReplyEffect<Event, UserState> onRoomToldOfClosure(UserState state, RoomToldOfClosure cmd) {
    if (!unconfirmed.remove(cmd.roomId()) || !unconfirmed.isEmpty()) {
      return scope.effect().noReply();
    }
    scope.timers().cancel(SpreadClosure.INSTANCE);
    return scope.effect().persist(new ClosureSpread()).thenNoReply();
  }
}
