package parley.node.user;

import com.typesafe.config.Config;
import java.time.Duration;
import parley.node.limits.FailureBackoff;

/**
 * The settings of every user's entity, from the node's config. {@code offlineStoreDelay}: how long a user is offline
 * before {@code WentOffline} is stored. One back sooner stores nothing, neither {@code WentOffline} nor
 * {@code WentOnline}: a reconnect storm or a flapping network is then no write at all. Zero stores it as the user goes
 * offline.
 */
public record UserSettings(
    Duration offlineGrace,
    Duration offlineStoreDelay,
    Duration reregisterGrace,
    Duration markerFlush,
    Duration passivateAfter,
    Limits limits,
    Duration tokenTtl) {
  public UserSettings(Duration offlineGrace, Duration offlineStoreDelay, Duration reregisterGrace, Duration markerFlush,
      Duration passivateAfter) {
    this(offlineGrace, offlineStoreDelay, reregisterGrace, markerFlush, passivateAfter, Limits.DEFAULT,
        Duration.ofDays(30));
  }

  public static UserSettings fromConfig(Config config) {
    return new UserSettings(
        config.getDuration("parley.presence.offline-grace"),
        config.getDuration("parley.presence.offline-store-delay"),
        config.getDuration("parley.presence.reregister-grace"),
        Duration.ofSeconds(1),
        config.getDuration("parley.user.passivate-after"),
        new Limits(
            config.getInt("parley.limits.sockets-per-user"),
            config.getInt("parley.limits.rooms-per-window"),
            config.getDuration("parley.limits.room-window"),
            config.getDuration("parley.ask-timeout").multipliedBy(2),
            config.getInt("parley.limits.messages.burst"),
            config.getDouble("parley.limits.messages.per-second"),
            FailureBackoff.Rule.fromConfig(config.getConfig("parley.limits.login.per-account")),
            config.getInt("parley.limits.tickets.burst"),
            config.getDouble("parley.limits.tickets.per-second"),
            config.getInt("parley.limits.group-dms-per-window"),
            config.getDuration("parley.limits.group-dm-window"),
            config.getInt("parley.auth.max-sessions"),
            new Rate(config.getInt("parley.limits.tickets.per-session.burst"),
                config.getDouble("parley.limits.tickets.per-session.per-second")),
            new Rate(config.getInt("parley.limits.search.burst"), config.getDouble("parley.limits.search.per-second"))),
        config.getDuration("parley.auth.token-ttl"));
  }

  /**
   * What one user may hold or do: {@code socketsPerUser} WebSockets at once (admitted here, one at a time, so racing
   * handshakes cannot pass it together: each admission holds a place for {@code admissionHold} until its session
   * registers), {@code roomsPerWindow} new rooms per {@code roomWindow} and {@code groupDmsPerWindow} group DMs per
   * {@code groupDmWindow}, messages and tickets at the rate of a token bucket each, logins after failures as
   * {@code loginRule} says, and at most {@code maxSessions} live login tokens (the least recently used goes). Each
   * session (login) takes tickets within {@code ticketsPerSession} as well, so that one runaway device leaves the
   * others theirs; searches draw on {@code searches}.
   */
  public record Limits(int socketsPerUser, int roomsPerWindow, Duration roomWindow, Duration admissionHold,
      int messageBurst, double messagesPerSecond, FailureBackoff.Rule loginRule, int ticketBurst,
      double ticketsPerSecond, int groupDmsPerWindow, Duration groupDmWindow, int maxSessions, Rate ticketsPerSession,
      Rate searches) {
    static final Limits DEFAULT = new Limits(32, 20, Duration.ofHours(1), Duration.ofSeconds(20), 30, 10,
        new FailureBackoff.Rule(5, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofMinutes(15)), 30, 2, 10,
        Duration.ofHours(1), 32, new Rate(10, 1), new Rate(20, 1));
  }

  /** A token bucket's size and refill. */
  public record Rate(int burst, double perSecond) {}
}
