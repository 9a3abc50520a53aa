package parley.node;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.node.http.HttpEdge;

/**
 * Starts one Parley node in the foreground; Ctrl-C (SIGTERM) closes its WebSockets, hands its rooms off, leaves the
 * cluster and exits. A node that cannot start (a port taken, the database out of reach) says why and exits 1.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Logging is set up before any other thread can log, or SLF4J replays those calls with a warning.
    Logger log = LoggerFactory.getLogger(Main.class);
    AsyncPool.useCommonPool();
    Config config = NodeConfig.load();
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(Behaviors.empty(), "parley", config);
    } catch (RuntimeException e) {
      log.error("Parley node could not start: {} (the cluster port is PARLEY_CLUSTER_PORT={})",
          rootMessage(e), config.getInt("pekko.remote.artery.canonical.port"));
      System.exit(1);
      return;
    }
    ParleyNode.start(system).whenComplete((binding, failure) -> {
      if (failure != null) {
        log.error("Parley node could not start: {}", rootMessage(failure));
        new Thread(() -> System.exit(1), "parley-exit").start();
        return;
      }
      log.info("Parley node listening on http://{}:{} · database {} · up to {} connections · Ctrl-C stops it",
          binding.localAddress().getHostString(),
          binding.localAddress().getPort(),
          DatabaseSettings.describe(config),
          HttpEdge.maxConnections(config));
    });
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
