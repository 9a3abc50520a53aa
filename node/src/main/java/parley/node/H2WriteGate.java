package parley.node;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

/**
 * H2's driver with one writer at a time per database file: a connection takes the file's gate before the first
 * statement of a transaction that may write, and gives it back once the transaction has committed or rolled back.
 * Reads never wait for it.
 *
 * <p>Why: with several connections writing at once, a kill -9 can leave an H2 2.4.240 file torn. H2 writes each commit
 * as a chunk (in the committing thread, with WRITE_DELAY=0), collecting the changed maps' roots one map at a time
 * while other connections go on changing theirs; a chunk can then hold another transaction's rows without the undo
 * records that recovery rolls them back by. After the kill those rows stay marked uncommitted for good: the next
 * insert of their key waits for a writer that no longer exists, fails with a lock timeout, and stops its room, restart
 * after restart (KillNineRoundsTest, once in a CI run); or a committed transaction is left half visible, and the node
 * no longer starts. With one writer in the file at a time, a chunk holds only finished transactions and the writer's
 * own changes in the order it made them (each change's undo record first). docs/architecture.md, section 3.
 *
 * <p>A writer already waits for the file's store lock at its commit, so the gate costs the node little: the part it
 * serialises besides is the in-memory change itself. An in-memory database (tests) has nothing to tear and no gate.
 * The slick pool, the files' pool and the journal eraser connect through here (persistence.conf names this class as
 * the driver; {@link #connect} for a plain connection).
 */
public final class H2WriteGate implements Driver {
  private static final Driver H2 = new org.h2.Driver();
  /** One gate per database file, by the URL before its settings. */
  private static final Map<String, Semaphore> GATES = new ConcurrentHashMap<>();
  /** Statements that read and lock nothing; anything else may write. */
  private static final Set<String> READS = Set.of("SELECT", "VALUES", "TABLE", "SHOW", "EXPLAIN", "HELP");

  static {
    // A JDBC driver registers itself (DriverManager loads it through META-INF/services/java.sql.Driver): a pool
    // named this driver finds it registered, as it does H2's.
    try {
      DriverManager.registerDriver(new H2WriteGate());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A connection to {@code url}: through the gate for an H2 file database, as any driver gives it otherwise. */
  public static Connection connect(String url, String user, String password) throws SQLException {
    if (!gated(url)) {
      return DriverManager.getConnection(url, user, password);
    }
    Properties info = new Properties();
    info.setProperty("user", user);
    info.setProperty("password", password);
    return new H2WriteGate().connect(url, info);
  }

  /**
   * A connection property: with "all", every statement of the connection takes the gate, its reads too. For a pool
   * that reads large values (the files' chunks): H2 copies a large value it reads into its temporary LOB maps, and
   * enough such copies make the reading thread store the file, while a writer may be half way through its
   * transaction.
   */
  public static final String READS_TOO = "parley.h2gate";

  /** The driver class a pool is to use for {@code url}. */
  public static String driverFor(String url) {
    return url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : H2WriteGate.class.getName();
  }

  /** Connections waiting for {@code url}'s gate now (a test's view of it). */
  static int waitingWriters(String url) {
    Semaphore gate = GATES.get(url.indexOf(';') < 0 ? url : url.substring(0, url.indexOf(';')));
    return gate == null ? 0 : gate.getQueueLength();
  }

  private static boolean gated(String url) {
    return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:");
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Properties own = new Properties();
    own.putAll(info);
    boolean readsToo = "all".equals(own.remove(READS_TOO));
    Connection raw = H2.connect(url, own);
    if (!gated(url)) {
      return raw;
    }
    int cut = url.indexOf(';');
    Semaphore gate = GATES.computeIfAbsent(cut < 0 ? url : url.substring(0, cut), u -> new Semaphore(1, true));
    return (Connection) Proxy.newProxyInstance(H2WriteGate.class.getClassLoader(), new Class<?>[] {Connection.class},
        new GatedConnection(raw, gate, readsToo));
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith("jdbc:h2:");
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    return H2.getPropertyInfo(url, info);
  }

  @Override
  public int getMajorVersion() {
    return H2.getMajorVersion();
  }

  @Override
  public int getMinorVersion() {
    return H2.getMinorVersion();
  }

  @Override
  public boolean jdbcCompliant() {
    return H2.jdbcCompliant();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return H2.getParentLogger();
  }

  /** Whether {@code sql} may change the database (or lock rows, which H2 writes as changes too). */
  static boolean mayWrite(String sql) {
    String s = sql.stripLeading();
    int end = 0;
    while (end < s.length() && Character.isLetter(s.charAt(end))) {
      end++;
    }
    String first = s.substring(0, end).toUpperCase(Locale.ROOT);
    return !READS.contains(first) || s.toUpperCase(Locale.ROOT).contains("FOR UPDATE");
  }

  /** A connection that holds its file's gate from its first writing statement to the end of that transaction. */
  private static final class GatedConnection implements InvocationHandler {
    private final Connection raw;
    private final Semaphore gate;
    private final boolean readsToo;
    private boolean holding;

    GatedConnection(Connection raw, Semaphore gate, boolean readsToo) {
      this.raw = raw;
      this.gate = gate;
      this.readsToo = readsToo;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("equals")) {
        return proxy == args[0];
      }
      if (name.equals("hashCode")) {
        return System.identityHashCode(proxy);
      }
      try {
        Object result = call(raw, method, args);
        if (result instanceof Statement statement) {
          String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
          return statement((Connection) proxy, statement, sql);
        }
        return result;
      } finally {
        // The transaction is over: committed, rolled back, committed by a return to auto-commit, or closed.
        boolean over = name.equals("commit") || name.equals("close")
            || name.equals("rollback") && (args == null || args.length == 0)
            || name.equals("setAutoCommit") && args != null && Boolean.TRUE.equals(args[0]);
        if (over) {
          release();
        }
      }
    }

    /** The statement, taking the gate when it executes what may write ({@code preparedSql}: a prepared one's). */
    private Object statement(Connection connection, Statement statement, String preparedSql) {
      Class<?> type = statement instanceof CallableStatement ? CallableStatement.class
          : statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
      return Proxy.newProxyInstance(H2WriteGate.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
        String name = method.getName();
        if (name.equals("equals")) {
          return proxy == args[0];
        }
        if (name.equals("hashCode")) {
          return System.identityHashCode(proxy);
        }
        if (name.equals("getConnection")) {
          return connection;
        }
        String sql = preparedSql != null ? preparedSql
            : args != null && args.length > 0 && args[0] instanceof String s ? s : null;
        boolean executes = name.startsWith("execute");
        if (executes && (readsToo || sql == null || mayWrite(sql))) {
          acquire();
        }
        try {
          return call(statement, method, args);
        } finally {
          if (executes && holding && raw.getAutoCommit()) {
            release(); // the statement was its own transaction
          }
        }
      });
    }

    private void acquire() throws SQLException {
      if (!holding) {
        try {
          gate.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while waiting to write to the database", e);
        }
        holding = true;
      }
    }

    private void release() {
      if (holding) {
        holding = false;
        gate.release();
      }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
