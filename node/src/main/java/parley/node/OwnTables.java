package parley.node;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A part's own tables beside the journal (invite links, reports, the server's admins): their access object opened on
 * first use (tests of entities without those tables never open a pool), and every call run on the given executor,
 * never on an actor's thread, its SQL failure failing the stage.
 */
public final class OwnTables<D extends AutoCloseable> {
  /** One call on the tables. */
  public interface Work<D, T> {
    T run(D tables) throws SQLException;
  }

  private final Supplier<D> open;
  private final Executor io;
  private volatile D tables;

  public OwnTables(Supplier<D> open, Executor io) {
    this.open = open;
    this.io = io;
  }

  public <T> CompletionStage<T> run(Work<D, T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run(tables());
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, io);
  }

  private D tables() {
    D t = tables;
    if (t == null) {
      synchronized (this) {
        t = tables;
        if (t == null) {
          t = open.get();
          tables = t;
        }
      }
    }
    return t;
  }

  public synchronized void close() {
    if (tables != null) {
      try {
        tables.close();
      } catch (Exception e) {
        // Closing a pool at shutdown: nothing is left to tell.
      }
      tables = null;
    }
  }
}
