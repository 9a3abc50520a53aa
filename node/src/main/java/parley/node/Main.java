package parley.node;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;

/** Starts one Parley node in the foreground; Ctrl-C (SIGTERM) leaves the cluster and unbinds gracefully. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    AsyncPool.useCommonPool();
    Config config = NodeConfig.load();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "parley", config);
    ParleyNode.start(system).whenComplete((binding, failure) -> {
      if (failure != null) {
        system.log().error("Parley node could not start: {}", failure.getMessage());
        system.terminate();
        return;
      }
      system.log().info(
          "Parley node listening on http://{}:{} (database {}, cluster address {})",
          binding.localAddress().getHostString(),
          binding.localAddress().getPort(),
          DatabaseSettings.describe(config),
          Cluster.get(system).selfMember().address());
    });
  }
}
