package parley.node.files;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sharing a stored file as a room's entry, and making the files' tables agree with what the room answered: the file
 * is placed at its entry's seq, or released when no entry will ever name it. A saga, since the room's write and the
 * files' tables are two stores with no transaction across them; what a failure leaves between the two steps, the
 * sweep collects.
 *
 * <p>The room is asked by the caller ({@code store}), who also says what its answer means ({@code outcomeOf}): this
 * package knows no room and asks none.
 */
public final class FileShares {
  /** What the room's answer to a file's entry says, for the files. */
  public sealed interface Outcome {}

  /**
   * An entry is stored under the share's clientMsgId at {@code seq}: this file's, or a resend's first copy. {@code
   * fileId}: the file that entry shares, null if it shares none (the clientMsgId named another kind of entry).
   */
  public record Stored(long seq, String fileId) implements Outcome {}

  /** Stored or not, nobody knows (the room gave up on its write): the file stays for the resend. */
  public record Unsettled() implements Outcome {}

  /** Refused: no entry will name the file. */
  public record Refused() implements Outcome {}

  private final FileStore files;

  public FileShares(FileStore files) {
    this.files = files;
  }

  /**
   * Stores {@code fileId}'s entry and answers what the room answered. A retry with the same clientMsgId gets the
   * first entry: its file is placed (its own answer may have been lost, its write stored all the same) and this
   * copy's record goes (the bytes stay only while the first copy's are the same). A refused entry releases the file;
   * an unsettled one keeps it for the resend, as after a timeout (the sweep takes it if none comes).
   */
  public <A> CompletionStage<A> share(String fileId, Supplier<CompletionStage<A>> store,
      Function<A, Outcome> outcomeOf) {
    return store.get().thenCompose(answer -> {
      Outcome outcome = outcomeOf.apply(answer);
      if (outcome instanceof Stored s && fileId.equals(s.fileId())) {
        return files.placed(fileId, s.seq()).thenApply(v -> answer);
      }
      if (outcome instanceof Stored s && s.fileId() != null) {
        return files.placed(s.fileId(), s.seq()).thenCompose(v -> files.release(fileId)).thenApply(v -> answer);
      }
      if (outcome instanceof Unsettled) {
        return CompletableFuture.completedFuture(answer);
      }
      // Refused, or the first copy's entry is no file: this copy is not shared.
      return files.release(fileId).thenApply(v -> answer);
    });
  }
}
