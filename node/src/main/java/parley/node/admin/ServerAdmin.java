package parley.node.admin;

import com.typesafe.config.Config;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * A node's view of the server as a whole ({@code parley.server}): the accounts' list, the admins, the sign-up policy
 * (what an admin set, else {@code parley.server.signup}) and the audit log. The pool opens on first use.
 */
public final class ServerAdmin implements Extension {
  public static final String OPEN = "open";
  public static final String CLOSED = "closed";
  public static final Set<String> SIGNUP_POLICIES = Set.of(OPEN, CLOSED);

  public static final class Id extends ExtensionId<ServerAdmin> {
    private static final Id INSTANCE = new Id();

    @Override
    public ServerAdmin createExtension(ActorSystem<?> system) {
      ServerAdmin admin = new ServerAdmin(system.settings().config(),
          system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher")), Clock.systemUTC());
      system.getWhenTerminated().thenRun(admin::close);
      return admin;
    }
  }

  public static ServerAdmin get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  private final Config config;
  private final String defaultSignup;
  private final Executor io;
  private final Clock clock;
  private volatile ServerDb db;

  public ServerAdmin(Config config, Executor io, Clock clock) {
    this.config = config;
    this.defaultSignup = config.getString("parley.server.signup");
    if (!SIGNUP_POLICIES.contains(defaultSignup)) {
      throw new IllegalArgumentException("parley.server.signup is open or closed, not " + defaultSignup);
    }
    this.io = io;
    this.clock = clock;
  }

  /** Lists a new account; true if it is the server's first and so its admin. */
  public CompletionStage<Boolean> accountMade(String username) {
    return run(() -> db().addUser(username, clock.millis()));
  }

  public CompletionStage<List<UserRow>> users(String after, int limit) {
    return run(() -> db().users(after, limit));
  }

  public CompletionStage<Optional<UserRow>> user(String username) {
    return run(() -> db().user(username));
  }

  /** Listed, active accounts whose name starts with {@code prefix}, by name after {@code after}. */
  public CompletionStage<List<String>> directory(String prefix, String after, int limit) {
    return run(() -> db().directory(prefix, after, limit));
  }

  /** Whether the account is in the directory (an account not on the list: empty). */
  public CompletionStage<Optional<Boolean>> listed(String username) {
    return run(() -> db().listed(username));
  }

  public CompletionStage<Boolean> setListed(String username, boolean listed) {
    return run(() -> db().setListed(username, listed));
  }

  public CompletionStage<Boolean> isAdmin(String username) {
    return run(() -> db().isAdmin(username));
  }

  /** Whether the account is turned off (an unlisted one is not). */
  public CompletionStage<Boolean> isDeactivated(String username) {
    return run(() -> db().user(username).map(u -> u.deactivatedAt() != null).orElse(false));
  }

  /** Turns the account off or on again; false if it was so already (or is not listed). */
  public CompletionStage<Boolean> setDeactivated(String username, boolean off) {
    return run(() -> db().setDeactivated(username, off ? clock.millis() : null));
  }

  public CompletionStage<Boolean> grant(String username, String by) {
    return run(() -> db().grant(username, by, clock.millis()));
  }

  /** False if the user was no admin, or is the last one (a server always keeps one). */
  public CompletionStage<Boolean> revoke(String username) {
    return run(() -> db().revoke(username));
  }

  public CompletionStage<String> signupPolicy() {
    return run(() -> db().setting("signup").orElse(defaultSignup));
  }

  public CompletionStage<Void> setSignupPolicy(String policy) {
    return run(() -> {
      db().setSetting("signup", policy);
      return null;
    });
  }

  /** Records an act; the answer waits for it, so an act the caller was told of is in the log. */
  public CompletionStage<Void> audit(String actor, String action, String target, String roomId, String detail,
      String address) {
    return run(() -> {
      db().audit(clock.millis(), actor, action, target, roomId, detail, address);
      return null;
    });
  }

  public CompletionStage<List<AuditEntry>> auditPage(Long before, int limit) {
    return run(() -> db().auditPage(before, limit));
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> CompletionStage<T> run(Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, io);
  }

  private ServerDb db() {
    ServerDb d = db;
    if (d == null) {
      synchronized (this) {
        d = db;
        if (d == null) {
          d = new ServerDb(config, config.getInt("parley.server.pool-size"));
          db = d;
        }
      }
    }
    return d;
  }

  public synchronized void close() {
    if (db != null) {
      db.close();
      db = null;
    }
  }
}
