package parley.node.user;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import parley.node.limits.FailureBackoff;
import parley.node.limits.TokenBucket;

/**
 * What one user may still do now, by the user's own limits: messages, tickets and searches (token buckets), and failed
 * logins (a backoff). The limits whose windows are longer than an entity stays in memory are the user's
 * {@link parley.node.limits.LimitLog}'s. Soft state of the user's entity, which alone calls it
 * (not thread-safe): it starts over when the entity restarts. Each refusal says the limit and its setting.
 */
final class UserBudgets {
  private final UserSettings.Limits limits;
  /** Made at first use: a user who never sends holds none. */
  private TokenBucket messages;
  private TokenBucket tickets;
  private TokenBucket searches;
  /** Each session's own ticket bucket, by its token's hash. */
  private final Map<String, TokenBucket> sessionTickets = new HashMap<>();
  private static final int SESSION_BUCKETS_KEPT = 64;
  private FailureBackoff loginFailures;

  /** Nanoseconds, as {@link parley.node.limits.RateClock} gives them. */
  private final LongSupplier clock;

  UserBudgets(UserSettings.Limits limits, LongSupplier clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /** One message (WebSocket sends and HTTP posts of every session): null, or the refusal. */
  UserAccount.Throttled takeMessage() {
    if (messages == null) {
      messages = new TokenBucket(limits.messageBurst(), limits.messagesPerSecond(), clock.getAsLong());
    }
    long wait = messages.take(clock.getAsLong());
    return wait == 0 ? null : new UserAccount.Throttled(wait, "you may send " + limits.messageBurst()
        + " messages at once and " + TokenBucket.rate(limits.messagesPerSecond()) + " a second after that, from all "
        + "your connections (parley.limits.messages); send again in " + wait + " ms with the same clientMsgId");
  }

  /**
   * One WebSocket or download ticket for the session of {@code tokenHash}: from the session's own bucket first, then
   * the user's; null, or the refusal. A session that takes all it may leaves the user's other sessions the rest.
   */
  UserAccount.Throttled takeTicket(String tokenHash) {
    long now = clock.getAsLong();
    UserSettings.Rate perSession = limits.ticketsPerSession();
    if (sessionTickets.size() >= SESSION_BUCKETS_KEPT && !sessionTickets.containsKey(tokenHash)) {
      // A full bucket is the same as none: those are forgotten first, and the map stays small.
      sessionTickets.values().removeIf(b -> b.full(now));
    }
    TokenBucket session = sessionTickets.computeIfAbsent(tokenHash,
        t -> new TokenBucket(perSession.burst(), perSession.perSecond(), now));
    long sessionWait = session.waitMillis(now);
    if (sessionWait > 0) {
      long wait = sessionWait;
      return new UserAccount.Throttled(wait, "one session may take " + perSession.burst() + " tickets at once and "
          + TokenBucket.rate(perSession.perSecond()) + " a second after that (parley.limits.tickets.per-session); "
          + "try again in " + wait + " ms");
    }
    if (tickets == null) {
      tickets = new TokenBucket(limits.ticketBurst(), limits.ticketsPerSecond(), now);
    }
    long wait = tickets.take(now);
    if (wait == 0) {
      session.take(now);
      return null;
    }
    return new UserAccount.Throttled(wait, "you may take " + limits.ticketBurst()
        + " tickets at once and " + TokenBucket.rate(limits.ticketsPerSecond()) + " a second after that "
        + "(parley.limits.tickets); try again in " + wait + " ms");
  }

  /** One search: null, or the refusal. */
  UserAccount.Throttled takeSearch() {
    UserSettings.Rate rate = limits.searches();
    if (searches == null) {
      searches = new TokenBucket(rate.burst(), rate.perSecond(), clock.getAsLong());
    }
    long wait = searches.take(clock.getAsLong());
    return wait == 0 ? null : new UserAccount.Throttled(wait, "you may run " + rate.burst() + " searches at once and "
        + TokenBucket.rate(rate.perSecond()) + " a second after that (parley.limits.search); search again in " + wait
        + " ms");
  }

  void loginFailed() {
    if (loginFailures == null) {
      loginFailures = new FailureBackoff(limits.loginRule());
    }
    loginFailures.failed(clock.getAsLong());
  }

  /** Milliseconds before the account's next login is checked, when the address failed too (0: now). */
  long loginWait(boolean addressClean) {
    return loginFailures == null || addressClean ? 0 : loginFailures.waitMillis(clock.getAsLong());
  }

  /** Failed logins within the window: the entity stays in memory while there are, or they would be forgotten. */
  boolean recentLoginFailures() {
    return loginFailures != null && loginFailures.recent(clock.getAsLong());
  }
}
