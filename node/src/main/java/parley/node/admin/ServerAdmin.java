package parley.node.admin;

import com.typesafe.config.Config;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import parley.node.OwnTables;

/**
 * A node's view of the server as a whole ({@code parley.server}): the accounts' list, the admins, the sign-up policy
 * (what an admin set, else {@code parley.server.signup}) and the audit log. The pool opens on first use.
 */
public final class ServerAdmin implements Extension {
  public static final String OPEN = "open";
  public static final String INVITE = "invite";
  public static final String CLOSED = "closed";
  public static final Set<String> SIGNUP_POLICIES = Set.of(OPEN, INVITE, CLOSED);

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

  private final String defaultSignup;
  private final Clock clock;
  private final OwnTables<ServerDb> tables;

  public ServerAdmin(Config config, Executor io, Clock clock) {
    this.defaultSignup = config.getString("parley.server.signup");
    if (!SIGNUP_POLICIES.contains(defaultSignup)) {
      throw new IllegalArgumentException("parley.server.signup is open, invite or closed, not " + defaultSignup);
    }
    this.clock = clock;
    this.tables = new OwnTables<>(() -> new ServerDb(config, config.getInt("parley.server.pool-size")), io);
  }

  /** Lists a new account; true if it is the server's first and so its admin. */
  public CompletionStage<Boolean> accountMade(String username) {
    return tables.run(db -> db.addUser(username, clock.millis()));
  }

  public CompletionStage<List<UserRow>> users(String after, int limit) {
    return tables.run(db -> db.users(after, limit));
  }

  public CompletionStage<Optional<UserRow>> user(String username) {
    return tables.run(db -> db.user(username));
  }

  /** Listed, active accounts whose name starts with {@code prefix}, by name after {@code after}. */
  public CompletionStage<List<String>> directory(String prefix, String after, int limit) {
    return tables.run(db -> db.directory(prefix, after, limit));
  }

  /** Whether the account is in the directory (an account not on the list: empty). */
  public CompletionStage<Optional<Boolean>> listed(String username) {
    return tables.run(db -> db.listed(username));
  }

  public CompletionStage<Boolean> setListed(String username, boolean listed) {
    return tables.run(db -> db.setListed(username, listed));
  }

  /** A new invitation to sign up; its token, which only its hash is kept of. */
  public CompletionStage<String> makeSignupInvite(String by, java.time.Duration expiresIn, Integer maxUses) {
    return tables.run(db -> {
      String token = parley.node.Secrets.newBareToken();
      long now = clock.millis();
      db.addSignupInvite(parley.node.Secrets.sha256(token), by, now, now + expiresIn.toMillis(), maxUses);
      return token;
    });
  }

  /** Takes a use of the invitation; false if there is none with that token, or it is spent or expired. */
  public CompletionStage<Boolean> claimSignupInvite(String token) {
    return tables.run(db -> parley.node.Secrets.isBareToken(token)
        && db.claimSignupInvite(parley.node.Secrets.sha256(token), clock.millis()));
  }

  public CompletionStage<Void> releaseSignupInvite(String token) {
    return tables.run(db -> {
      db.releaseSignupInvite(parley.node.Secrets.sha256(token));
      return null;
    });
  }

  public CompletionStage<Boolean> isAdmin(String username) {
    return tables.run(db -> db.isAdmin(username));
  }

  /** Whether the account is turned off (an unlisted one is not). */
  public CompletionStage<Boolean> isDeactivated(String username) {
    return tables.run(db -> db.user(username).map(u -> u.deactivatedAt() != null).orElse(false));
  }

  /** Turns the account off or on again; false if it was so already (or is not listed). */
  public CompletionStage<Boolean> setDeactivated(String username, boolean off) {
    return tables.run(db -> db.setDeactivated(username, off ? clock.millis() : null));
  }

  public CompletionStage<Boolean> grant(String username, String by) {
    return tables.run(db -> db.grant(username, by, clock.millis()));
  }

  /** False if the user was no admin, or is the last one (a server always keeps one). */
  public CompletionStage<Boolean> revoke(String username) {
    return tables.run(db -> db.revoke(username));
  }

  public CompletionStage<String> signupPolicy() {
    return tables.run(db -> db.setting("signup").orElse(defaultSignup));
  }

  public CompletionStage<Void> setSignupPolicy(String policy) {
    return tables.run(db -> {
      db.setSetting("signup", policy);
      return null;
    });
  }

  /** Records an act; the answer waits for it, so an act the caller was told of is in the log. */
  public CompletionStage<Void> audit(String actor, String action, String target, String roomId, String detail,
      String address) {
    return tables.run(db -> {
      db.audit(clock.millis(), actor, action, target, roomId, detail, address);
      return null;
    });
  }

  public CompletionStage<List<AuditEntry>> auditPage(Long before, int limit) {
    return tables.run(db -> db.auditPage(before, limit));
  }

  public void close() {
    tables.close();
  }
}
