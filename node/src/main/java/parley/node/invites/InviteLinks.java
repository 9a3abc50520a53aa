package parley.node.invites;

import com.typesafe.config.Config;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import parley.node.OwnTables;
import parley.node.Secrets;

/**
 * A node's invite links ({@code parley.invite-links}): made with a token shown once and kept as its hash, listed and
 * revoked by the room's admins, and claimed one use at a time. The pool opens on first use.
 */
public final class InviteLinks implements Extension {

  public static final class Id extends ExtensionId<InviteLinks> {
    private static final Id INSTANCE = new Id();

    @Override
    public InviteLinks createExtension(ActorSystem<?> system) {
      InviteLinks links = new InviteLinks(system.settings().config(),
          system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher")), Clock.systemUTC());
      system.getWhenTerminated().thenRun(links::close);
      return links;
    }
  }

  public static InviteLinks get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** {@code parley.invite-links}. */
  public record Settings(int maxPerRoom, int maxUses, Duration defaultExpiry, Duration maxExpiry, Duration keptAfterEnd,
      int poolSize) {
    static Settings of(Config c) {
      return new Settings(c.getInt("max-per-room"), c.getInt("max-uses"), c.getDuration("default-expiry"),
          c.getDuration("max-expiry"), c.getDuration("kept-after-end"), c.getInt("pool-size"));
    }
  }

  /** A new link, and its token: the only time the token is known outside its holders. */
  public record Made(InviteLink link, String token) {}

  /** What a token names now. */
  public sealed interface Lookup {}

  /** No link has that token (or it was forgotten long after it ended). */
  public record Unknown() implements Lookup {}

  /** The link admits nobody any more, and why. */
  public record Spent(InviteLink link, String why) implements Lookup {}

  /** The link admits: for a look, as it stands; for a claim, with one of its uses taken for the caller. */
  public record Admits(InviteLink link) implements Lookup {}

  private final Settings settings;
  private final Clock clock;
  private final OwnTables<InviteLinkDb> tables;

  public InviteLinks(Config config, Executor io, Clock clock) {
    this.settings = Settings.of(config.getConfig("parley.invite-links"));
    this.clock = clock;
    this.tables = new OwnTables<>(() -> new InviteLinkDb(config, settings.poolSize()), io);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * A new link to the room, or null when the room has {@code max-per-room} standing already. Links that ended longer
   * ago than {@code kept-after-end} are forgotten on the way, so a room's rows stay bounded.
   */
  public CompletionStage<Made> make(String roomId, String maker, Integer maxUses, Duration expiresIn) {
    return tables.run(db -> {
      Instant now = clock.instant();
      db.forgetEnded(roomId, now.minus(settings.keptAfterEnd()).toEpochMilli());
      if (db.standing(roomId, now.toEpochMilli()).size() >= settings.maxPerRoom()) {
        return null;
      }
      String token = Secrets.newBareToken();
      InviteLink link = new InviteLink(Secrets.newBareToken().substring(0, 16), roomId, maker, now,
          now.plus(expiresIn), maxUses, 0, null);
      db.insert(link, Secrets.sha256(token));
      return new Made(link, token);
    });
  }

  /** The room's links that stand (not revoked, not expired; used up included), oldest first. */
  public CompletionStage<List<InviteLink>> standing(String roomId) {
    return tables.run(db -> db.standing(roomId, clock.millis()));
  }

  /** Revokes one of the room's standing links; false if the room has no such link standing. */
  public CompletionStage<Boolean> revoke(String roomId, String id) {
    return tables.run(db -> db.revoke(roomId, id, clock.millis()));
  }

  /** What the token names, without taking a use. */
  public CompletionStage<Lookup> look(String token) {
    return tables.run(db -> lookup(db, token, false));
  }

  /** Takes one use of the token's link if it admits; give it back with {@link #release} if the room refuses. */
  public CompletionStage<Lookup> claim(String token) {
    return tables.run(db -> lookup(db, token, true));
  }

  public CompletionStage<Void> release(InviteLink link) {
    return tables.run(db -> {
      db.release(link.id());
      return null;
    });
  }

  private Lookup lookup(InviteLinkDb db, String token, boolean claim) throws SQLException {
    if (!Secrets.isBareToken(token)) {
      return new Unknown();
    }
    String hash = Secrets.sha256(token);
    Instant now = clock.instant();
    boolean claimed = claim && db.claim(hash, now.toEpochMilli());
    InviteLink link = db.byTokenHash(hash).orElse(null);
    if (link == null) {
      return new Unknown();
    }
    if (claimed) {
      return new Admits(link);
    }
    String why = link.spentBecause(now);
    // A claim that missed found the link spent by another claim in between, even if the row reads otherwise now.
    return why == null && !claim ? new Admits(link) : new Spent(link, why == null ? "the invite link was used up" : why);
  }

  public void close() {
    tables.close();
  }
}
