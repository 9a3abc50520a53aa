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
    String n = System.getProperty("parley.test.fork", "fork-1").replaceFirst("^fork-", "").trim();
    if (n.isEmpty() && System.getProperty("parley.test.fork") != null) {
      // Two JVMs that both took 1 would share ports and a database: better no run than that one.
      throw new IllegalStateException("parley.test.fork came without its number (node/pom.xml)");
    }
    try {
      return n.isEmpty() ? 1 : Math.max(1, Integer.parseInt(n));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("parley.test.fork is not fork-N: " + System.getProperty("parley.test.fork"));
    }
  }
}
