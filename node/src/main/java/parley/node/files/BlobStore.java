package parley.node.files;

import java.util.concurrent.CompletionStage;
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

  /** Starts writing the bytes of a new blob at {@code location}. */
  CompletionStage<Writer> open(String location);

  /** Bytes {@code from} to {@code to} (both included) of the blob at {@code location}. */
  Source<ByteString, NotUsed> read(String location, int pieceSize, long size, long from, long to);

  /** Deletes whatever was written at {@code location} (idempotent). */
  CompletionStage<Void> delete(String location);

  /** One blob being written: pieces in order, then {@link #finish} (durable once it completes) or {@link #abort}. */
  interface Writer {
    CompletionStage<Void> write(ByteString piece);

    CompletionStage<Void> finish();

    /** Gives up: what was written is deleted (the caller deletes the location too, in case). */
    CompletionStage<Void> abort();
  }
}
