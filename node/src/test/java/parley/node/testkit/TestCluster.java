package parley.node.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Nodes of one cluster in this JVM, on one database, each started as {@link TestNode#start(Config)} starts one, and
 * returned once every node sees every member up. Every node binds Artery on port 0 (the OS picks, so no port can be
 * taken between choosing and binding): the first joins itself, the others join it at the address it actually bound.
 */
public final class TestCluster implements AutoCloseable {
  /** A cold 2-core machine that starts three nodes at once takes well over the usual few seconds. */
  private static final Duration ALL_UP = Duration.ofSeconds(60);

  private final List<TestNode> nodes;

  private TestCluster(List<TestNode> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /** {@code size} nodes with {@code overrides}, on a database of their own (on PostgreSQL, the run's). */
  public static TestCluster start(int size, Config overrides) {
    Config base = overrides.withFallback(TestDatabase.config(TestDatabase.url()));
    List<TestNode> nodes = new ArrayList<>();
    try {
      nodes.add(TestNode.start(base));
      String seeds = "[\"" + Cluster.get(nodes.get(0).system).selfMember().address() + "\"]";
      for (int i = 1; i < size; i++) {
        nodes.add(TestNode.start(ConfigFactory.parseString("pekko.cluster.seed-nodes = " + seeds).withFallback(base)));
      }
      TestProbe.create(nodes.get(0).system).awaitAssert(ALL_UP, () -> {
        for (TestNode node : nodes) {
          long up = 0;
          for (var member : Cluster.get(node.system).state().getMembers()) {
            up += member.status() == MemberStatus.up() ? 1 : 0;
          }
          assertEquals(size, up);
        }
        return null;
      });
      return new TestCluster(nodes);
    } catch (RuntimeException | AssertionError e) {
      nodes.forEach(TestNode::close);
      throw e;
    }
  }

  /** The nodes in the order they started; the first is the one the others joined. */
  public List<TestNode> nodes() {
    return nodes;
  }

  public TestNode node(int i) {
    return nodes.get(i);
  }

  /** Closes every node a test has not stopped itself. */
  @Override
  public void close() {
    for (TestNode node : nodes) {
      if (!node.system.whenTerminated().isCompleted()) {
        node.close();
      }
    }
  }
}
