package parley.node.delivery;

import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.function.Function2;
import parley.node.delivery.ClientSession.Command;
import parley.node.user.UserAccount;
import parley.node.user.UserNotice;

/**
 * The session's registration with its user's entity: it watches the incarnation that accepted it and registers again
 * when that one stops (a move, a crashed node), and it keeps the token alive while the socket is open, closing with
 * 4001 once the token is expired or revoked.
 */
final class UserLink {
  /** An open socket renews its token's lifetime this long before it would expire. */
  private static final Duration RENEW_BEFORE = Duration.ofDays(1);

  /** Timers longer than this are split: the scheduler's limit is far above it, a token's life may not be. */
  private static final Duration LONGEST_TIMER = Duration.ofDays(1);

  private final SessionCore core;
  /** Where the user's entity tells this session what happened to its user; one address for its whole life. */
  private final ActorRef<UserNotice> userNotices;
  /** The user's incarnation that accepted this session (watched), null while registering again. */
  private ActorRef<UserAccount.Command> userIncarnation;
  private Instant tokenExpiresAt;
  /** Registered again to renew the token (once per expiry it was told). */
  private boolean renewing;

  UserLink(SessionCore core) {
    this.core = core;
    this.userNotices = core.context.messageAdapter(UserNotice.class, UserNotices::toSession);
  }

  /** Registers with whichever incarnation of the user sharding reaches; the answer comes back as {@code answer}. */
  void register(Function2<UserAccount.Result, Throwable, Command> answer) {
    core.context.pipeToSelf(
        core.user().<UserAccount.Result>ask(
            replyTo -> new UserAccount.SessionStarted(userNotices, core.tokenHash, replyTo),
            core.settings.askTimeout()),
        answer);
  }

  /**
   * Registered with {@code accepted.user()}: watch it, and close the socket when the token expires. Nothing goes to
   * the user while the session is quiet; logout reaches the session from the user (a notice {@link UserNotices}
   * turns into a close), expiry from this timer.
   */
  void accepted(UserAccount.Accepted accepted) {
    if (!accepted.user().equals(userIncarnation)) {
      if (userIncarnation != null) {
        core.context.unwatch(userIncarnation);
      }
      userIncarnation = accepted.user();
      core.context.watchWith(userIncarnation, new ClientSession.UserGone(userIncarnation));
    }
    tokenExpiresAt = accepted.tokenExpiresAt();
    renewing = false;
    scheduleTokenCheck();
  }

  /** The check runs a day before the token expires (or at its expiry, for a token with less than that left). */
  private void scheduleTokenCheck() {
    if (tokenExpiresAt == null) {
      return;
    }
    Instant now = Instant.now();
    Duration left = Duration.between(now, tokenExpiresAt);
    Duration untilRenewal = left.minus(RENEW_BEFORE);
    Duration in = untilRenewal.isNegative() ? left : untilRenewal;
    core.timers.startSingleTimer(ClientSession.TokenCheck.INSTANCE,
        in.isNegative() ? Duration.ZERO : in.compareTo(LONGEST_TIMER) > 0 ? LONGEST_TIMER : in);
  }

  /**
   * A token's lifetime slides on use, and an open socket is a use: a day before its expiry the session registers
   * again, which slides it (the answer brings the new expiry). A token revoked meanwhile ends the socket with 4001.
   */
  Behavior<Command> onTokenCheck() {
    Instant now = Instant.now();
    if (tokenExpiresAt != null && !now.isBefore(tokenExpiresAt)) {
      return core.closeWith(4001, "token expired");
    }
    if (tokenExpiresAt != null && !now.isBefore(tokenExpiresAt.minus(RENEW_BEFORE)) && !renewing) {
      renewing = true;
      return reregister();
    }
    scheduleTokenCheck();
    return Behaviors.same();
  }

  /**
   * The incarnation this session registered with stopped (passivation cannot stop it while a session lives: a
   * handoff, a rebalance, its node downed). Registering again starts the next one wherever sharding puts it, so it
   * knows this session before its re-register grace ends.
   */
  Behavior<Command> onUserGone(ClientSession.UserGone gone) {
    if (!gone.user().equals(userIncarnation)) {
      return Behaviors.same();
    }
    userIncarnation = null;
    return reregister();
  }

  Behavior<Command> reregister() {
    register(ClientSession.Reregistered::new);
    return Behaviors.same();
  }

  Behavior<Command> onReregistered(ClientSession.Reregistered answer) {
    if (answer.result() instanceof UserAccount.Accepted accepted) {
      accepted(accepted);
      core.blocks(accepted.blocks()); // a change told while no incarnation knew this session
      // A room joined while no incarnation knew this session was not announced to it: follow it now.
      for (String roomId : accepted.rooms().keySet()) {
        if (!core.rooms.containsKey(roomId)) {
          core.self().tell(new ClientSession.RetryTrack(roomId));
        }
      }
      return Behaviors.same();
    }
    if (answer.result() instanceof UserAccount.Rejected) {
      return core.closeWith(4001, "logged out");
    }
    // Not answered in time (the entity may be starting on another node): ask again.
    core.timers.startSingleTimer(ClientSession.Reregister.INSTANCE, Duration.ofSeconds(1));
    return Behaviors.same();
  }
}
