package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import parley.node.testkit.Eventually;
import parley.node.testkit.InMemory;

/**
 * One writer at a time in an H2 file (H2WriteGate): a second connection's write waits at the gate until the first
 * transaction ends, its reads never do, and a statement of its own in auto-commit takes and gives the gate back.
 */
@InMemory
class H2WriteGateTest {
  @Test
  void aSecondWriterWaitsForTheFirstTransactionAndReadersDoNot() throws Exception {
    Path dir = Files.createTempDirectory("parley-gate");
    String url = "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0";
    try (Connection setup = H2WriteGate.connect(url, "sa", ""); Statement s = setup.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))");
      s.execute("INSERT INTO t VALUES (1, 'one')");
    }
    assertEquals(0, H2WriteGate.waitingWriters(url), "a statement in auto-commit gave the gate back");

    try (Connection first = H2WriteGate.connect(url, "sa", ""); Connection second = H2WriteGate.connect(url, "sa", "")) {
      first.setAutoCommit(false);
      insert(first, 2);

      CompletableFuture<Void> secondWrite = CompletableFuture.runAsync(() -> {
        try {
          insert(second, 3);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Eventually.await("the second writer to wait at the gate", () -> {
        assertEquals(1, H2WriteGate.waitingWriters(url));
        return null;
      });
      assertFalse(secondWrite.isDone(), "wrote while the first transaction was open");
      // A reader meanwhile: not held up (it sees what is committed).
      try (Connection reader = H2WriteGate.connect(url, "sa", "")) {
        assertEquals(1, count(reader));
      }

      first.commit();
      secondWrite.get(Eventually.dilated(Eventually.LONG).toSeconds(), TimeUnit.SECONDS);
      assertEquals(3, count(second));
    }
    assertEquals(0, H2WriteGate.waitingWriters(url));
  }

  @Test
  void aConnectionThatReadsLargeValuesWaitsForTheGateToReadToo() throws Exception {
    Path dir = Files.createTempDirectory("parley-gate-reads");
    String url = "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0";
    try (Connection setup = H2WriteGate.connect(url, "sa", ""); Statement s = setup.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))");
    }
    Properties readsToo = new Properties();
    readsToo.setProperty("user", "sa");
    readsToo.setProperty("password", "");
    readsToo.setProperty(H2WriteGate.READS_TOO, "all");
    try (Connection writer = H2WriteGate.connect(url, "sa", "");
        Connection reader = new H2WriteGate().connect(url, readsToo)) {
      writer.setAutoCommit(false);
      insert(writer, 1);
      CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
        try {
          return count(reader);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Eventually.await("the reader to wait at the gate", () -> {
        assertEquals(1, H2WriteGate.waitingWriters(url));
        return null;
      });
      writer.commit();
      assertEquals(1, read.get(Eventually.dilated(Eventually.LONG).toSeconds(), TimeUnit.SECONDS));
    }
  }

  @Test
  void readsAndLocksAreToldApart() {
    assertFalse(H2WriteGate.mayWrite("  select * from t"));
    assertFalse(H2WriteGate.mayWrite("VALUES 1"));
    assertTrue(H2WriteGate.mayWrite("SELECT * FROM t WHERE id = 1 FOR UPDATE"));
    assertTrue(H2WriteGate.mayWrite("insert into t values (4, 'x')"));
    assertTrue(H2WriteGate.mayWrite("ALTER TABLE t ADD COLUMN w INT"));
    assertTrue(H2WriteGate.mayWrite("MERGE INTO t KEY (id) VALUES (5, 'y')"));
  }

  private static void insert(Connection c, int id) throws Exception {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      s.setInt(1, id);
      s.setString(2, "row " + id);
      s.executeUpdate();
    }
  }

  private static int count(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM t")) {
      r.next();
      return r.getInt(1);
    }
  }
}
