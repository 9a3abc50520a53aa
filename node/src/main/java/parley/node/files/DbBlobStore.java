package parley.node.files;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Blobs in the node's database, as chunks of {@code parley.files.chunk-size} (256 KiB) in {@code parley_file_chunk}:
 * every node of a cluster serves every file with nothing more to run. An upload writes a chunk at a time, a download
 * reads a few ahead, so neither holds more than a few chunks in memory.
 */
final class DbBlobStore implements BlobStore {
  private final FileDb db;
  private final Executor blocking;
  private final int chunkSize;
  private final boolean postgres;

  DbBlobStore(FileDb db, Executor blocking, int chunkSize, boolean postgres) {
    this.db = db;
    this.blocking = blocking;
    this.chunkSize = chunkSize;
    this.postgres = postgres;
  }

  @Override
  public int pieceSize() {
    return chunkSize;
  }

  /**
   * Four: chunks are rows of their own (keyed by index), and one insert of 256 KiB keeps one database process busy
   * splitting it into TOAST rows and logging them; with one at a time, an upload to PostgreSQL left a third of the
   * machine idle (docs/benchmarks.md, Files). The pool ({@code parley.files.pool-size}) bounds them across uploads.
   */
  @Override
  public int writeParallelism() {
    return 4;
  }

  /** Two chunks: four are in flight already. */
  @Override
  public int readAhead() {
    return 2;
  }

  @Override
  public CompletionStage<Writer> open(String location) {
    return CompletableFuture.completedFuture(new ChunkWriter(location));
  }

  /**
   * Writes each chunk in a transaction of its own, on a connection borrowed for it: an upload holds no connection
   * while it waits for the network, so slow uploads cannot take the pool from everyone else. On PostgreSQL a chunk's
   * commit does not wait for its flush to disk ({@code synchronous_commit} off for that transaction only): the
   * upload's record, committed after its last chunk with the usual flush, flushes the log up to it, chunks included
   * (the log is written in order). Nothing is answered, or shared, before that commit.
   */
  private final class ChunkWriter extends PieceWriter {
    ChunkWriter(String location) {
      super(location);
    }

    @Override
    CompletableFuture<Void> put(String location, int idx, ByteString piece) {
      return CompletableFuture.runAsync(() -> {
        try (Connection c = db.connection()) {
          c.setAutoCommit(false);
          try {
            if (postgres) {
              try (var s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit TO OFF");
              }
            }
            try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO parley_file_chunk (location, idx, data) VALUES (?, ?, ?)")) {
              s.setString(1, location);
              s.setInt(2, idx);
              s.setBytes(3, piece.toArray());
              s.executeUpdate();
            }
            c.commit();
          } catch (SQLException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        } catch (SQLException e) {
          throw new CompletionException(e);
        }
      }, blocking);
    }

    @Override
    CompletionStage<Void> deleteAll(String location) {
      return delete(location);
    }

    @Override
    public CompletionStage<Void> finish() {
      // Durable with the record's commit (see the class comment).
      return CompletableFuture.completedFuture(null);
    }
  }

  @Override
  public Source<ByteString, NotUsed> read(String location, int pieceSize, long size, long from, long to) {
    // A few chunks fetched ahead, in order: a download waits for one round trip per few chunks, not per chunk.
    return BlobStore.ranged(pieceSize, from, to,
        idx -> CompletableFuture.supplyAsync(() -> chunk(location, idx), blocking));
  }

  private byte[] chunk(String location, int idx) {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("SELECT data FROM parley_file_chunk WHERE location = ? AND idx = ?")) {
      s.setString(1, location);
      s.setInt(2, idx);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new IllegalStateException("chunk " + idx + " of " + location + " is missing");
        }
        return r.getBytes(1);
      }
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  @Override
  public CompletionStage<Void> delete(String location) {
    return CompletableFuture.runAsync(() -> {
      try (Connection c = db.connection();
          PreparedStatement s = c.prepareStatement("DELETE FROM parley_file_chunk WHERE location = ?")) {
        s.setString(1, location);
        s.executeUpdate();
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }
}
