package parley.node.user;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount.Command;
import parley.node.user.UserAccount.Event;
import parley.node.user.UserAccount.Rejected;

/**
 * What the parts of one user's entity share: whose entity it is, its settings and clock, the actor's context and
 * timers, and the effects its handlers return. Each part ({@link Credentials}, {@link UserSessions}, ...) is given
 * one, so none of them reaches into another's fields.
 */
record UserScope(
    String username,
    UserSettings settings,
    Clock clock,
    ActorContext<Command> context,
    TimerScheduler<Command> timers,
    ClusterSharding sharding,
    EffectFactories<Event, UserState> effect) {

  /** Now, to the millisecond (what the journal keeps). */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  EntityRef<ChatRoom.Command> room(String roomId) {
    return sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId);
  }

  static Rejected unauthorized() {
    return new Rejected("unauthorized", "missing, bad, expired or revoked token");
  }
}
