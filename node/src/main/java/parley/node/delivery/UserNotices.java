package parley.node.delivery;

import parley.node.user.Invite;
import parley.node.user.UserNotice;
import parley.protocol.InviteList;
import parley.protocol.ServerFrame;

/**
 * How a session shows what its user's entity tells it ({@link UserNotice}): a signed-out session closes with 4001, a
 * room added or removed is followed or dropped, a notification and an invitation become frames of the user's own.
 * Each session adapts its notices here, so the user's entity knows nothing of sockets, codes or frames.
 */
public final class UserNotices {
  /** The close code of a session whose token is no longer valid. */
  static final int SIGNED_OUT = 4001;

  private UserNotices() {}

  static ClientSession.Command toSession(UserNotice notice) {
    if (notice instanceof UserNotice.SignedOut out) {
      return new ClientSession.Close(SIGNED_OUT, out.reason());
    } else if (notice instanceof UserNotice.RoomAdded added) {
      return new ClientSession.RoomAdded(added.roomId(), added.afterSeq());
    } else if (notice instanceof UserNotice.RoomRemoved removed) {
      UserNotice.Removal why = removed.removal();
      return new ClientSession.RoomRemoved(removed.roomId(),
          why == null ? null : new ClientSession.Removal(why.reason(), why.by(), why.text()));
    } else if (notice instanceof UserNotice.Notified notified) {
      return ClientSession.Notified.of(notified.notification());
    } else if (notice instanceof UserNotice.Invited invited) {
      return ClientSession.UserFrame.of(new ServerFrame.Invite(toWire(invited.invite())));
    } else if (notice instanceof UserNotice.InviteEnded ended) {
      return ClientSession.UserFrame.of(new ServerFrame.InviteEnded(ended.roomId(), ended.accepted()));
    } else if (notice instanceof UserNotice.MarkerMoved moved) {
      return ClientSession.UserFrame.of(new ServerFrame.Marker(moved.roomId(), moved.readSeq()));
    } else if (notice instanceof UserNotice.BlockChanged changed) {
      return new ClientSession.BlockChanged(changed.username(), changed.on());
    }
    throw new IllegalArgumentException("no session command for " + notice);
  }

  /** An invitation as the wire shows it, in a frame and in the HTTP list of invitations. */
  public static InviteList.Item toWire(Invite i) {
    return new InviteList.Item(new InviteList.RoomRef(i.roomId(), i.name(), i.kind()), i.from(), i.at());
  }
}
