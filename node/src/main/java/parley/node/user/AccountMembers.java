package parley.node.user;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import parley.node.room.ChatRoom;
import parley.node.room.Members;

/** What rooms ask of their members, answered by each member's account through sharding. */
public final class AccountMembers implements Members {
  private final ClusterSharding sharding;

  public AccountMembers(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
  }

  @Override
  public void askPresence(String member, ActorRef<ChatRoom.Command> room) {
    account(member).tell(new UserAccount.TellPresence(room));
  }

  @Override
  public void askMarkers(String member, String roomId, ActorRef<ChatRoom.Command> room) {
    account(member).tell(new UserAccount.GetMarkers(roomId, room));
  }

  @Override
  public void askBlock(String member, String other, ActorRef<ChatRoom.Command> room) {
    account(member).tell(new UserAccount.TellBlock(other, room));
  }

  @Override
  public void notify(String member, Notice notice) {
    account(member).tell(new UserAccount.Notify(notice.roomId(), notice.seq(), notice.sender(),
        notice.mention() ? Notification.MENTION : Notification.DM, notice.excerpt()));
  }

  private EntityRef<UserAccount.Command> account(String member) {
    return sharding.entityRefFor(UserAccount.ENTITY_KEY, member);
  }
}
