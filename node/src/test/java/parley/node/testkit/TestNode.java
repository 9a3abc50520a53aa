package parley.node.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
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

  public static TestNode start(Config overrides) {
    Config config = overrides
        .withFallback(ConfigFactory.parseString("""
            parley.http.port = 0
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.seed-nodes = []
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            pekko.loglevel = WARNING
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
