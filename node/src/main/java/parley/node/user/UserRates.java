package parley.node.user;

import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.NodeMetrics;
import parley.node.limits.RateClock;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount.Command;
import parley.node.user.UserAccount.Done;
import parley.node.user.UserAccount.Event;
import parley.node.user.UserAccount.LoginFailed;
import parley.node.user.UserAccount.Result;
import parley.node.user.UserAccount.SendThrough;
import parley.node.user.UserAccount.TakeSearch;
import parley.node.user.UserAccount.TakeTicketToken;
import parley.node.user.UserAccount.Throttled;

/**
 * The user's rate gates: the commands that draw on the user's {@link UserBudgets} (messages, tickets, searches, failed
 * logins), each refusal counted in the node's metrics. Soft state: it starts over with the entity.
 */
final class UserRates {
  private final UserScope scope;
  private final UserBudgets budgets;

  UserRates(UserScope scope) {
    this.scope = scope;
    this.budgets = new UserBudgets(scope.settings().limits(), RateClock.get(scope.context().getSystem()).source());
  }

  void addTo(CommandHandlerWithReplyBuilderByState<Command, Event, UserState, UserState> handler) {
    handler
        .onCommand(LoginFailed.class, (s, c) -> {
          if (s.exists()) {
            budgets.loginFailed();
          }
          return scope.effect().noReply();
        })
        .onCommand(SendThrough.class, this::onSendThrough)
        .onCommand(TakeTicketToken.class, (s, c) -> scope.effect().reply(c.replyTo(), takeTicket(c.tokenHash())))
        .onCommand(TakeSearch.class, (s, c) -> scope.effect().reply(c.replyTo(),
            limited("search", budgets.takeSearch())));
  }

  /** One ticket from the session's bucket and the user's: Done, or Throttled. */
  Result takeTicket(String tokenHash) {
    return limited("tickets", budgets.takeTicket(tokenHash));
  }

  long loginWait(boolean addressClean) {
    return budgets.loginWait(addressClean);
  }

  /** Failed logins still count against the account: the entity stays to remember them. */
  boolean recentLoginFailures() {
    return budgets.recentLoginFailures();
  }

  private ReplyEffect<Event, UserState> onSendThrough(UserState state, SendThrough cmd) {
    ChatRoom.Sending sending = cmd.sending();
    if (limited("messages", budgets.takeMessage()) instanceof Throttled t) {
      sending.replyTo().tell(new ChatRoom.SendRefused(cmd.roomId(), sending.clientMsgId(), "rate_limited", t.message(),
          t.retryAfterMs()));
    } else {
      scope.room(cmd.roomId()).tell(sending);
    }
    return scope.effect().noReply();
  }

  /** Done, or the refusal (counted in the metrics by {@code what}). */
  private Result limited(String what, Throttled refusal) {
    if (refusal == null) {
      return Done.INSTANCE;
    }
    NodeMetrics.get(scope.context().getSystem()).rateLimited(what);
    return refusal;
  }
}
