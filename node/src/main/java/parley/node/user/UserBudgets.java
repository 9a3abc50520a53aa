package parley.node.user;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import parley.node.limits.FailureBackoff;
import parley.node.limits.TokenBucket;

/**
 * What one user may still do now, by the user's own limits: messages and tickets (token buckets), rooms and group DMs
 * created within their windows, and failed logins (a backoff). Soft state of the user's entity, which alone calls it
 * (not thread-safe): it starts over when the entity restarts. Each refusal says the limit and its setting.
 */
final class UserBudgets {
  private final UserSettings.Limits limits;
  /** Made at first use: a user who never sends holds none. */
  private TokenBucket messages;
  private TokenBucket tickets;
  private FailureBackoff loginFailures;
  /** When the user created rooms, and group DMs, within the last window (nanoTime), oldest first. */
  private final ArrayDeque<Long> roomsCreated = new ArrayDeque<>();
  private final ArrayDeque<Long> groupDmsCreated = new ArrayDeque<>();

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

  /** One WebSocket or download ticket: null, or the refusal. */
  UserAccount.Throttled takeTicket() {
    if (tickets == null) {
      tickets = new TokenBucket(limits.ticketBurst(), limits.ticketsPerSecond(), clock.getAsLong());
    }
    long wait = tickets.take(clock.getAsLong());
    return wait == 0 ? null : new UserAccount.Throttled(wait, "you may take " + limits.ticketBurst()
        + " tickets at once and " + TokenBucket.rate(limits.ticketsPerSecond()) + " a second after that "
        + "(parley.limits.tickets); try again in " + wait + " ms");
  }

  /** One new room: null, or the refusal. */
  UserAccount.Rejected countRoom() {
    return count(roomsCreated, limits.roomsPerWindow(), limits.roomWindow(), "too_many_rooms", "rooms",
        "parley.limits.rooms-per-window");
  }

  /** One new group DM (a room of its own kind, with people in it who did not ask): null, or the refusal. */
  UserAccount.Rejected countGroupDm() {
    return count(groupDmsCreated, limits.groupDmsPerWindow(), limits.groupDmWindow(), "too_many_group_dms",
        "group DMs", "parley.limits.group-dms-per-window");
  }

  private UserAccount.Rejected count(ArrayDeque<Long> created, int max, Duration window, String code,
      String what, String setting) {
    long now = clock.getAsLong();
    while (!created.isEmpty() && now - created.peekFirst() >= window.toNanos()) {
      created.pollFirst();
    }
    if (created.size() >= max) {
      return new UserAccount.Rejected(code, "you created " + max + " " + what + " in the last " + humane(window)
          + ", the limit (" + setting + "); try again later");
    }
    created.addLast(now);
    return null;
  }

  static String humane(Duration d) {
    if (d.toHoursPart() == 0 && d.toMinutesPart() == 0) {
      return d.toSeconds() + " s";
    }
    return d.toMinutes() % 60 == 0 ? d.toHours() + (d.toHours() == 1 ? " hour" : " hours") : d.toMinutes() + " minutes";
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
