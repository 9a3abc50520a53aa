package parley.node.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (server binaries, a tool). Missing on a developer's machine, the test is skipped
 * and says why; missing under CI (the environment variable {@code CI} set, as .ci/run sets it), the test fails: a green
 * CI run has run every test it lists.
 */
public final class Needs {
  private Needs() {}

  public static void present(boolean present, String what) {
    if (present) {
      return;
    }
    String ci = System.getenv("CI");
    if (ci != null && !ci.isEmpty()) {
      Assertions.fail("needs " + what + ", which this CI machine lacks: a skipped test would pass CI silently");
    }
    Assumptions.assumeTrue(false, "needs " + what);
  }
}
