package parley.node.user;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount.AddInvite;
import parley.node.user.UserAccount.Blocked;
import parley.node.user.UserAccount.BlocksView;
import parley.node.user.UserAccount.CheckReach;
import parley.node.user.UserAccount.Command;
import parley.node.user.UserAccount.Done;
import parley.node.user.UserAccount.EndInvite;
import parley.node.user.UserAccount.Event;
import parley.node.user.UserAccount.GetBlocks;
import parley.node.user.UserAccount.GetInvites;
import parley.node.user.UserAccount.InviteEnded;
import parley.node.user.UserAccount.Invited;
import parley.node.user.UserAccount.InvitesView;
import parley.node.user.UserAccount.Reach;
import parley.node.user.UserAccount.Rejected;
import parley.node.user.UserAccount.SetBlocked;
import parley.node.user.UserAccount.TellBlock;
import parley.node.user.UserAccount.Unblocked;

/**
 * Who may reach the user: the invitations waiting for their answer and the users they block (whose invitations go
 * with the block). Each change is told to the user's sessions as it is stored.
 */
final class Invitations {
  /** Most users one account blocks; a block past it is refused with {@code too_many_blocks}. */
  static final int BLOCKS_MAX = 1_000;
  /** Most invitations waiting at once; past it the oldest goes (declined) to make room. */
  static final int INVITES_MAX = 100;

  private final UserScope scope;
  private final UserSessions sessions;

  Invitations(UserScope scope, UserSessions sessions) {
    this.scope = scope;
    this.sessions = sessions;
  }

  void addTo(CommandHandlerWithReplyBuilderByState<Command, Event, UserState, UserState> handler) {
    handler
        .onCommand(CheckReach.class, (s, c) -> scope.effect().reply(c.replyTo(), new Reach(scope.username(),
            s.exists(), s.blocked().contains(c.from()), sharesARoom(s, c.fromRooms()))))
        .onCommand(AddInvite.class, this::onAddInvite)
        .onCommand(EndInvite.class, this::onEndInvite)
        .onCommand(GetInvites.class, (s, c) -> scope.effect().reply(c.replyTo(), new InvitesView(
            s.invites().values().stream().sorted(Comparator.comparing(Invite::at)).toList())))
        .onCommand(SetBlocked.class, this::onSetBlocked)
        .onCommand(TellBlock.class, (s, c) -> scope.effect().reply(c.room(),
            new ChatRoom.BlockKnown(scope.username(), s.blocked().contains(c.other()))))
        .onCommand(GetBlocks.class, (s, c) -> scope.effect().reply(c.replyTo(),
            new BlocksView(List.copyOf(s.blocked()))));
  }

  /** A room (not a DM or a group DM: one of those does not make a stranger a contact) both are members of. */
  private static boolean sharesARoom(UserState state, Set<String> theirs) {
    return theirs.stream().anyMatch(room -> !ChatRoom.isConversationId(room) && state.rooms().containsKey(room));
  }

  private ReplyEffect<Event, UserState> onAddInvite(UserState state, AddInvite cmd) {
    Invite invite = cmd.invite();
    if (!state.exists() || state.blocked().contains(invite.from()) || state.rooms().containsKey(invite.roomId())
        || state.invites().containsKey(invite.roomId())) {
      return scope.effect().noReply();
    }
    List<Event> events = new ArrayList<>();
    state.invites().values().stream().sorted(Comparator.comparing(Invite::at))
        .limit(Math.max(0, state.invites().size() - INVITES_MAX + 1))
        .forEach(old -> events.add(new InviteEnded(old.roomId(), false)));
    events.add(new Invited(invite));
    return scope.effect().persist(events).thenRun(s -> {
      events.stream().filter(e -> e instanceof InviteEnded).forEach(e -> sessions.tell(
          new UserNotice.InviteEnded(((InviteEnded) e).roomId(), false)));
      sessions.tell(new UserNotice.Invited(invite));
    }).thenNoReply();
  }

  private ReplyEffect<Event, UserState> onEndInvite(UserState state, EndInvite cmd) {
    if (!state.invites().containsKey(cmd.roomId())) {
      return scope.effect().reply(cmd.replyTo(), new Rejected("no_such_invite", "you have no invitation to that room"));
    }
    return scope.effect().persist(new InviteEnded(cmd.roomId(), cmd.accepted()))
        .thenRun(s -> sessions.tell(new UserNotice.InviteEnded(cmd.roomId(), cmd.accepted())))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onSetBlocked(UserState state, SetBlocked cmd) {
    if (!state.exists()) {
      return scope.effect().reply(cmd.replyTo(), UserScope.unauthorized());
    }
    if (cmd.blocked() == state.blocked().contains(cmd.target())) {
      // Told again: the DM's room keeps what it was told in memory, and a tell lost to a crash is mended by a retry.
      tellDm(state, cmd.target(), cmd.blocked());
      return scope.effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    if (cmd.blocked() && state.blocked().size() >= BLOCKS_MAX) {
      return scope.effect().reply(cmd.replyTo(), new Rejected("too_many_blocks", "you block " + BLOCKS_MAX
          + " users, the limit; unblock one first"));
    }
    if (!cmd.blocked()) {
      return scope.effect().persist(new Unblocked(cmd.target()))
          .thenRun(s -> {
            sessions.tell(new UserNotice.BlockChanged(cmd.target(), false));
            tellDm(s, cmd.target(), false);
          })
          .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
    }
    List<String> ended = state.invites().values().stream().filter(i -> i.from().equals(cmd.target()))
        .map(Invite::roomId).toList();
    return scope.effect().persist(new Blocked(cmd.target()))
        .thenRun(s -> {
          ended.forEach(room -> sessions.tell(new UserNotice.InviteEnded(room, false)));
          sessions.tell(new UserNotice.BlockChanged(cmd.target(), true));
          tellDm(s, cmd.target(), true);
        })
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  /** The DM with {@code target}, if the user is in one, refuses their writes while the user blocks them. */
  private void tellDm(UserState state, String target, boolean blocks) {
    String dm = ChatRoom.dmId(scope.username(), target);
    if (state.rooms().containsKey(dm)) {
      scope.room(dm).tell(new ChatRoom.BlockKnown(scope.username(), blocks));
    }
  }
}
