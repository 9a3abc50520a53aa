package parley.node.files;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Where a blob's bytes live: the node's database ({@link DbBlobStore}) or an S3-compatible object store
 * ({@link S3BlobStore}). Bytes are written once, under a location named before their digest is known, read in
 * ranges, and deleted when no file uses them. Every call that blocks runs on the blocking dispatcher.
 */
interface BlobStore {
  /** The size of the pieces {@link Writer#write} takes (the last may be shorter). */
  int pieceSize();

  /** How many pieces {@link Writer#write} may have in flight at once (each piece is held until written). */
  int writeParallelism();

  /** Pieces an upload reads ahead of the one being written (memory per upload: about this plus the parallelism). */
  int readAhead();

  /** Starts writing the bytes of a new blob at {@code location}. */
  CompletionStage<Writer> open(String location);

  /** Bytes {@code from} to {@code to} (both included) of the blob at {@code location}. */
  Source<ByteString, NotUsed> read(String location, int pieceSize, long size, long from, long to);

  /** Pieces a download fetches ahead of the one being sent. */
  int READ_AHEAD = 4;

  /**
   * Bytes {@code from} to {@code to} of a blob stored as pieces of {@code pieceSize}, each fetched by {@code fetch}
   * (its index to its bytes), {@link #READ_AHEAD} at a time and in order, the first and last cut to the range.
   */
  static Source<ByteString, NotUsed> ranged(int pieceSize, long from, long to,
      Function<Integer, CompletableFuture<byte[]>> fetch) {
    int first = (int) (from / pieceSize);
    int last = (int) (to / pieceSize);
    return Source.range(first, last).mapAsync(READ_AHEAD, idx -> fetch.apply(idx).thenApply(data -> {
      long start = (long) idx * pieceSize;
      int begin = (int) Math.max(0, from - start);
      int end = (int) Math.min(data.length, to - start + 1);
      return ByteString.fromArray(data, begin, end - begin);
    }));
  }

  /** Deletes whatever was written at {@code location} (idempotent). */
  CompletionStage<Void> delete(String location);

  /**
   * A writer of numbered pieces that remembers its writes still in flight, so that an abort deletes what they wrote
   * only once they have ended (a write that lands after the delete would leave its piece behind). Each write leaves
   * the set when it ends: an upload of thousands of pieces keeps a handful.
   */
  abstract class PieceWriter implements Writer {
    private final String location;
    private int next;
    private final Set<CompletableFuture<Void>> inFlight =
        ConcurrentHashMap.newKeySet();

    PieceWriter(String location) {
      this.location = location;
    }

    /** Writes piece {@code idx} of the blob at {@code location}, off the caller's thread. */
    abstract CompletableFuture<Void> put(String location, int idx, ByteString piece);

    /** Deletes what was written at the location. */
    abstract CompletionStage<Void> deleteAll(String location);

    @Override
    public CompletionStage<Void> write(ByteString piece) {
      CompletableFuture<Void> write = put(location, next++, piece);
      inFlight.add(write);
      write.whenComplete((v, e) -> inFlight.remove(write));
      return write;
    }

    @Override
    public CompletionStage<Void> abort() {
      return CompletableFuture.allOf(inFlight.stream().map(f -> f.exceptionally(e -> null))
          .toArray(CompletableFuture[]::new)).thenCompose(v -> deleteAll(location));
    }
  }

  /** One blob being written: pieces in order, then {@link #finish} (durable once it completes) or {@link #abort}. */
  interface Writer {
    CompletionStage<Void> write(ByteString piece);

    CompletionStage<Void> finish();

    /**
     * Gives up: once every write in flight has ended (one that commits after a delete would leave its piece behind),
     * what was written is deleted.
     */
    CompletionStage<Void> abort();
  }
}
