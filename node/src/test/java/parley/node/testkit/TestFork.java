package parley.node.testkit;

/**
 * Which of the suite's test JVMs this is. Surefire runs the node's classes in {@code parley.test.forks} JVMs at once
 * (node/pom.xml) and numbers them from 1; what two classes in different JVMs could both take is split by this number:
 * the ports kept across restarts ({@link NodeProcess#freePort}), the run's logs ({@link RunLog}) and, on PostgreSQL,
 * the database ({@link TestDatabase}).
 */
public final class TestFork {
  /** Ports and databases are split in this many slices: more JVMs than this would share them. */
  static final int SLICES = 4;

  private TestFork() {}

  /** 1 for a run of one JVM, or a class run alone from an IDE. */
  public static int number() {
    String n = System.getProperty("parley.test.fork", "1");
    try {
      return Math.max(1, Integer.parseInt(n.trim()));
    } catch (NumberFormatException e) {
      return 1; // surefire left its placeholder unexpanded: a single JVM
    }
  }
}
