package parley.node.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Scenarios that share one node: started before the class's first test, closed after its last. A class with other
 * settings overrides {@link #nodeConfig}, and a subclass of it runs every scenario again on its own settings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class OnOneNode {
  protected TestNode node;

  /** The node's settings, over the test defaults of {@link TestNode#start(Config)}. */
  protected Config nodeConfig() {
    return ConfigFactory.empty();
  }

  @BeforeAll
  protected final void startNode() {
    node = TestNode.start(nodeConfig());
  }

  @AfterAll
  protected final void closeNode() {
    if (node != null) {
      node.close();
    }
  }
}
