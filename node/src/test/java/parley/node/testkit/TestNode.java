package parley.node.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import parley.node.Main;
import parley.node.ParleyNode;

/** A whole Parley node in this JVM, on free ports, started exactly as {@link Main} starts one. */
public final class TestNode implements AutoCloseable {
  public final ActorSystem<Void> system;
  public final int port;

  private TestNode(ActorSystem<Void> system, int port) {
    this.system = system;
    this.port = port;
  }

  public static TestNode start() {
    return start(ConfigFactory.empty());
  }

  /** Rate limits no test reaches unless it is about them (it then starts its node with {@link #asShipped}). */
  public static final Map<String, String> GENEROUS_LIMITS = Map.of(
      "PARLEY_LIMIT_SIGNUPS_BURST", "1000000", "PARLEY_LIMIT_SIGNUPS_PER_HOUR", "1000000",
      "PARLEY_LIMIT_MESSAGES_BURST", "1000000", "PARLEY_LIMIT_MESSAGES_PER_SECOND", "1000000",
      "PARLEY_LIMIT_LOGIN_FAILURES_PER_ADDRESS", "1000",
      "PARLEY_LIMIT_SEARCH_BURST", "1000000", "PARLEY_LIMIT_SEARCH_PER_SECOND", "1000000",
      // Not a limit: the work factor of the hashes the test's users get. See parley.auth.bcrypt-cost.
      "PARLEY_BCRYPT_COST", "4");

  public static TestNode start(Config overrides) {
    return asShipped(overrides.withFallback(ConfigFactory.parseString("""
        parley.limits.signup.burst = 1000000
        parley.limits.signup.per-hour = 1000000
        parley.limits.messages.burst = 1000000
        parley.limits.messages.per-second = 1000000
        parley.limits.login.per-address.free-failures = 1000
        parley.limits.search.burst = 1000000
        parley.limits.search.per-second = 1000000
        """)));
  }

  /** With parley.conf's rate limits (under {@code overrides}). */
  public static TestNode asShipped(Config overrides) {
    Config config = overrides
        .withFallback(ConfigFactory.parseString("""
            parley.http.port = 0
            parley.metrics.port = 0
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.seed-nodes = []
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            pekko.loglevel = WARNING
            # Each user a test makes costs a hash at sign-up and a check at login; at the shipped 12 that was
            # about half a second of a core per user. The tests prove what the node does with a hash, not its cost.
            parley.auth.bcrypt-cost = 4
            """))
        .withFallback(TestDatabase.config(TestDatabase.url()))
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "parley", config);
    try {
      ServerBinding binding = ParleyNode.start(system).toCompletableFuture().get(60, TimeUnit.SECONDS);
      return new TestNode(system, binding.localAddress().getPort());
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("node did not start", e);
    }
  }

  public String http() {
    return "http://127.0.0.1:" + port;
  }

  public ApiClient client() {
    return new ApiClient(http());
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Duration timeout() {
    return Duration.ofSeconds(15);
  }
}
