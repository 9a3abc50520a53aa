package parley.node.files;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Blobs in the node's database, as chunks of {@code parley.files.chunk-size} (256 KiB) in {@code parley_file_chunk}:
 * every node of a cluster serves every file with nothing more to run. An upload writes its chunks over one
 * connection and commits every {@code commitEvery} chunks (a commit per chunk would make the disk's flush the
 * upload's speed); reading fetches one chunk at a time, so neither way holds more than a chunk or two in memory.
 */
final class DbBlobStore implements BlobStore {
  private final FileDb db;
  private final Executor blocking;
  private final int chunkSize;
  private final int commitEvery;

  DbBlobStore(FileDb db, Executor blocking, int chunkSize, int commitEvery) {
    this.db = db;
    this.blocking = blocking;
    this.chunkSize = chunkSize;
    this.commitEvery = Math.max(1, commitEvery);
  }

  @Override
  public int pieceSize() {
    return chunkSize;
  }

  @Override
  public CompletionStage<Writer> open(String location) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Connection c = db.connection();
        c.setAutoCommit(false);
        return new ChunkWriter(location, c);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  private final class ChunkWriter implements Writer {
    private final String location;
    private final Connection connection;
    private int next;

    ChunkWriter(String location, Connection connection) {
      this.location = location;
      this.connection = connection;
    }

    @Override
    public CompletionStage<Void> write(ByteString piece) {
      int idx = next++;
      return CompletableFuture.runAsync(() -> {
        try (PreparedStatement s = connection.prepareStatement(
            "INSERT INTO parley_file_chunk (location, idx, data) VALUES (?, ?, ?)")) {
          s.setString(1, location);
          s.setInt(2, idx);
          s.setBytes(3, piece.toArray());
          s.executeUpdate();
          if ((idx + 1) % commitEvery == 0) {
            connection.commit();
          }
        } catch (SQLException e) {
          throw new CompletionException(e);
        }
      }, blocking);
    }

    @Override
    public CompletionStage<Void> finish() {
      return CompletableFuture.runAsync(() -> {
        try (connection) {
          connection.commit();
        } catch (SQLException e) {
          throw new CompletionException(e);
        }
      }, blocking);
    }

    @Override
    public CompletionStage<Void> abort() {
      return CompletableFuture.runAsync(() -> {
        try (connection) {
          connection.rollback();
        } catch (SQLException e) {
          throw new CompletionException(e);
        }
      }, blocking).thenCompose(v -> delete(location));
    }
  }

  @Override
  public Source<ByteString, NotUsed> read(String location, int pieceSize, long size, long from, long to) {
    int first = (int) (from / pieceSize);
    int last = (int) (to / pieceSize);
    return Source.unfoldAsync(first, idx -> idx > last
        ? CompletableFuture.completedFuture(Optional.<Pair<Integer, ByteString>>empty())
        : CompletableFuture.supplyAsync(() -> {
          byte[] data = chunk(location, idx);
          long start = (long) idx * pieceSize;
          int begin = (int) Math.max(0, from - start);
          int end = (int) Math.min(data.length, to - start + 1);
          return Optional.of(Pair.create(idx + 1, ByteString.fromArray(data, begin, end - begin)));
        }, blocking));
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
