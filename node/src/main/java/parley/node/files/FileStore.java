package parley.node.files;

import com.typesafe.config.Config;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.ParsingException;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.StreamTcpException;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.node.Secrets;
import parley.protocol.FileRef;

/**
 * Uploads streamed to a blob store (the node's database by default, or S3) and recorded in the
 * database, downloads streamed back by range, download tickets, and the collection of bytes no entry uses any more.
 * Shared by the node's routes and rooms; nothing here runs on an actor's thread.
 *
 * <p>An upload's bytes go to a fresh location in pieces, its digest and size counted on the way; once every piece
 * is durable its blob is recorded (or, if the same bytes are stored already, one more reference to them, and the new
 * copy is deleted) with a file row. The file's entry is stored by the room after that, and the row learns its seq.
 * What is left behind by a failure (an upload cut off, a node killed, an entry never stored) is found and collected
 * by {@link #sweep}.
 *
 * <p>Long because uploads, downloads, tickets and the sweep keep one set of rules over blob references, so they stay
 * together; the tables and the blob stores have classes of their own.
 */
public final class FileStore implements Extension {
  private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);

  public static final class Id extends ExtensionId<FileStore> {
    private static final Id INSTANCE = new Id();

    @Override
    public FileStore createExtension(ActorSystem<?> system) {
      return new FileStore(system);
    }
  }

  public static FileStore get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** {@code parley.files}. */
  public record Settings(long maxSize, long quota, int chunkSize, int concurrentUploads, int uploadsPerUser,
      long minRate, Duration minRateWindow, Duration idleTimeout, Duration sweepEvery, Duration uploadStaleAfter,
      Duration unplacedAfter, Duration ticketTtl, int poolSize, long recheckBytes, Duration recheckEvery) {
    static Settings of(Config c) {
      return new Settings(c.getBytes("max-size"), c.getBytes("quota"), c.getBytes("chunk-size").intValue(),
          c.getInt("concurrent-uploads"), c.getInt("uploads-per-user"), c.getBytes("min-rate"),
          c.getDuration("min-rate-window"), c.getDuration("idle-timeout"), c.getDuration("sweep-every"),
          c.getDuration("upload-stale-after"), c.getDuration("unplaced-after"), c.getDuration("ticket-ttl"),
          c.getInt("pool-size"), c.getBytes("download-recheck.bytes"), c.getDuration("download-recheck.every"));
    }

    /** What the slowest acceptable upload brings in one window. */
    long minBytesPerWindow() {
      return minRate * minRateWindow.toMillis() / 1000;
    }
  }

  /** Whether an upload may start: a slot of the node's and one of the user's are free, or which is not. */
  public enum Slot { TAKEN, NODE_FULL, USER_FULL }

  /** How an upload ended. */
  public sealed interface Upload {}

  /** Stored and recorded: the file, to be shared by the room's entry. */
  public record Stored(FileRef file) implements Upload {}

  /** Refused with an HTTP status and the protocol's error code. */
  public record Refused(int status, String code, String message) implements Upload {}

  private final ActorSystem<?> system;
  private final Settings settings;
  private final Executor io;
  private final Clock clock = Clock.systemUTC();
  private final Semaphore uploads;
  /** Uploads in progress on this node per user; a user with none has no entry. */
  private final ConcurrentHashMap<String, Integer> uploadsByUser =
      new ConcurrentHashMap<>();
  private volatile Opened opened;

  private FileStore(ActorSystem<?> system) {
    this.system = system;
    this.settings = Settings.of(system.settings().config().getConfig("parley.files"));
    this.io = system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.files.dispatcher"));
    this.uploads = new Semaphore(settings.concurrentUploads());
  }

  /**
   * Takes one of the node's upload slots ({@code parley.files.concurrent-uploads}) and one of the user's
   * ({@code uploads-per-user}), or neither; give a taken one back with {@link #uploadEnded} whatever the upload's end.
   * The user's own cap comes first, so that one user's uploads can never hold every slot of the node.
   */
  public Slot uploadStarts(String user) {
    boolean[] mine = {false};
    uploadsByUser.compute(user, (u, n) -> {
      int held = n == null ? 0 : n;
      mine[0] = held < settings.uploadsPerUser();
      return mine[0] ? held + 1 : n;
    });
    if (!mine[0]) {
      return Slot.USER_FULL;
    }
    if (!uploads.tryAcquire()) {
      userUploadEnded(user);
      return Slot.NODE_FULL;
    }
    return Slot.TAKEN;
  }

  public void uploadEnded(String user) {
    userUploadEnded(user);
    uploads.release();
  }

  private void userUploadEnded(String user) {
    uploadsByUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
  }

  public Settings settings() {
    return settings;
  }

  /** The database pool and the blob store, opened together and published as one. */
  private record Opened(FileDb db, BlobStore store) {}

  /**
   * The pool and the store open on first use (tests of entities without the files' tables never open them). They are
   * published in one write, so that a caller who finds them without the lock finds both.
   */
  private Opened opened() {
    Opened o = opened;
    if (o == null) {
      synchronized (this) {
        o = opened;
        if (o == null) {
          FileDb db = new FileDb(system.settings().config(), settings.poolSize());
          BlobStore store = S3BlobStore.configured(system.settings().config())
              .map(s3 -> (BlobStore) new S3BlobStore(s3, io))
              .orElseGet(() -> new DbBlobStore(db, io, settings.chunkSize(),
                  system.settings().config().getString("pekko-persistence-jdbc.shared-databases.slick.db.url")
                      .startsWith("jdbc:postgresql:")));
          o = new Opened(db, store);
          opened = o;
          LOG.info("Files are stored in {}", store instanceof S3BlobStore s3 ? "the S3 bucket " + s3.describe()
              : "the node's database");
          Opened toClose = o;
          system.getWhenTerminated().thenRun(() -> close(toClose));
        }
      }
    }
    return o;
  }

  private FileDb db() {
    return opened().db();
  }

  private BlobStore store() {
    return opened().store();
  }

  private static void close(Opened o) {
    if (o.store() instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing the blob store", e);
      }
    }
    o.db().close();
  }

  /** Runs blocking work on the files' dispatcher. */
  private <T> CompletionStage<T> blocking(SqlCall<T> call) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return call.run(db());
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, io);
  }

  private interface SqlCall<T> {
    T run(FileDb db) throws SQLException;
  }

  // ------------------------------------------------------------------------------------------------ uploads

  /** Bytes the user's files take, for the quota. */
  public CompletionStage<Long> usedBy(String username) {
    return blocking(d -> d.usedBy(username));
  }

  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("over the limit", null, false, false);
    }
  }

  private static final class TooSlow extends RuntimeException {
    TooSlow() {
      super("under the minimum rate", null, false, false);
    }
  }

  /**
   * Fails the body when a window of {@code parley.files.min-rate-window} brought less than {@code min-rate} a second
   * on average: a client that trickles a byte now and then would otherwise hold an upload slot for as long as it
   * likes (the idle timeout only sees silence). Checked as bytes arrive; a body that stops altogether is the idle
   * timeout's.
   */
  private Flow<ByteString, ByteString, NotUsed> minimumRate() {
    long window = settings.minRateWindow().toNanos();
    long least = settings.minBytesPerWindow();
    return Flow.<ByteString>create().statefulMap(
        () -> new long[] {System.nanoTime(), 0},
        (w, bytes) -> {
          long now = System.nanoTime();
          while (now - w[0] >= window) {
            if (w[1] < least) {
              throw new TooSlow();
            }
            w[0] += window;
            w[1] = 0;
          }
          w[1] += bytes.size();
          return Pair.create(w, bytes);
        },
        w -> Optional.empty());
  }

  /** The body itself broke: a bad chunk, a chunk over Pekko's size limit, a client gone before its end. */
  private static boolean unreadable(Throwable cause) {
    return cause instanceof EntityStreamException
        || cause instanceof ParsingException
        || cause instanceof StreamTcpException;
  }

  /**
   * Streams {@code body} to a new blob and records the file; refused past {@code maxBytes} (cut off there, however
   * long the body says it is), when empty, or past the quota.
   */
  public CompletionStage<Upload> upload(String uploader, String roomId, String name, String contentType,
      String clientMsgId, Source<ByteString, ?> body, long maxBytes, String limitCode, String limitMessage) {
    String location = "u" + Secrets.sha256(UUID.randomUUID().toString()).substring(0, 40);
    MessageDigest digest = sha256();
    long[] size = {0};
    CompletionStage<BlobStore.Writer> opened = blocking(d -> {
      d.beginUpload(location, clock.millis());
      return null;
    }).thenCompose(v -> store().open(location));
    return opened.thenCompose(writer -> {
      CompletionStage<Done> streamed = body
          .idleTimeout(settings.idleTimeout())
          .via(minimumRate())
          .via(Pieces.of(store().pieceSize()))
          // A few pieces read ahead while one is being written: the network and the store work at once.
          .buffer(store().readAhead(), OverflowStrategy.backpressure())
          .mapAsync(store().writeParallelism(), piece -> {
            size[0] += piece.size();
            if (size[0] > maxBytes) {
              throw new TooLarge();
            }
            for (ByteBuffer b : piece.getByteBuffers()) {
              digest.update(b);
            }
            return writer.write(piece);
          })
          .runWith(Sink.ignore(), system);
      return streamed
          .thenCompose(done -> writer.finish())
          .<Upload>thenCompose(done -> {
            if (size[0] == 0) {
              return forget(location).thenApply(v -> (Upload) new Refused(400, "invalid_file", "the file is empty"));
            }
            FileRef file = new FileRef("f" + Secrets.sha256(UUID.randomUUID().toString()).substring(0, 31),
                name, size[0], contentType, HexFormat.of().formatHex(digest.digest()));
            FileDb.FileRow row = new FileDb.FileRow(file, roomId, uploader, null, location, store().pieceSize());
            return blocking(d -> d.record(row, clientMsgId, store().pieceSize(), settings.quota(), clock.millis()))
                .thenCompose(recorded -> {
                  if (recorded.isEmpty()) {
                    return forget(location).thenApply(v -> (Upload) new Refused(413, "quota_exceeded",
                        "your files may take " + settings.quota() + " bytes in all; this one would go past it"));
                  }
                  if (recorded.get()) {
                    // The same bytes were stored before: this copy goes, after the answer (or at the next sweep).
                    forget(location).whenComplete((v, failure) -> {
                      if (failure != null) {
                        LOG.warn("A second copy of stored bytes was not deleted yet (the sweep will)", failure);
                      }
                    });
                  }
                  return CompletableFuture.completedFuture((Upload) new Stored(file));
                });
          })
          .exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            return writer.abort().exceptionally(e -> null)
                .thenCompose(v -> forget(location))
                .<Upload>thenApply(v -> {
                  if (cause instanceof TooLarge) {
                    return new Refused(413, limitCode, limitMessage);
                  }
                  if (cause instanceof TimeoutException) {
                    return new Refused(408, "invalid_file", "the upload stopped sending for "
                        + settings.idleTimeout().toSeconds() + " s");
                  }
                  if (cause instanceof TooSlow) {
                    return new Refused(408, "upload_too_slow", "an upload brings at least " + settings.minRate()
                        + " bytes a second over each " + settings.minRateWindow().toSeconds()
                        + " s (parley.files.min-rate)");
                  }
                  if (unreadable(cause)) {
                    // The client's doing, not the node's: one line, no stack trace.
                    LOG.info("An upload's body could not be read ({}): {}", cause.getClass().getSimpleName(),
                        cause.getMessage());
                    return new Refused(400, "invalid_file", "the upload's body could not be read as HTTP/1.1 "
                        + "(a broken chunk, a chunk over 1 MiB, or the connection ended before the body did)");
                  }
                  throw new CompletionException(cause);
                });
          });
    });
  }

  /** Deletes what an upload wrote and its mark. */
  private CompletionStage<Void> forget(String location) {
    return store().delete(location).thenCompose(v -> blocking(d -> {
      d.endUpload(location);
      return null;
    }));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The file's entry was stored at {@code seq}. */
  public CompletionStage<Void> placed(String fileId, long seq) {
    return blocking(d -> {
      d.placed(fileId, seq);
      return null;
    });
  }

  // ------------------------------------------------------------------------------------------------ downloads

  /** A stored file with what serving it needs. */
  public record Found(FileRef file, String roomId, long seq, String location, int pieceSize) {}

  /** The file, if it exists and its entry was stored. */
  public CompletionStage<Optional<Found>> find(String fileId) {
    return blocking(d -> d.find(fileId)
        .filter(row -> row.seq() != null)
        .map(row -> new Found(row.ref(), row.roomId(), row.seq(), row.location(), row.chunkSize())));
  }

  /** Bytes {@code from} to {@code to} of the file, both included. */
  public Source<ByteString, NotUsed> read(Found file, long from, long to) {
    return store().read(file.location(), file.pieceSize(), file.file().size(), from, to);
  }

  /** Who a ticket was given to, and the hash of the login token they asked with (the ticket is good while it is). */
  public record TicketHolder(String username, String tokenHash) {}

  /**
   * A download ticket for this file, good for {@code parley.files.ticket-ttl} and no longer than the login token
   * (by its hash) it was asked with: the ticket, and when it ends.
   */
  public CompletionStage<Pair<String, Instant>> ticket(String username, String tokenHash, String fileId) {
    String ticket = Secrets.newToken(username);
    Instant expiresAt = clock.instant().plus(settings.ticketTtl());
    return blocking(d -> {
      d.addTicket(Secrets.sha256(ticket), fileId, username, tokenHash, expiresAt.toEpochMilli());
      return Pair.create(ticket, expiresAt);
    });
  }

  /** Who a live ticket for this file was given to. */
  public CompletionStage<Optional<TicketHolder>> ticketHolder(String ticket, String fileId) {
    return blocking(d -> d.ticketHolder(Secrets.sha256(ticket), fileId, clock.millis()));
  }

  // ------------------------------------------------------------------------------------------------ releases

  /** The file was not shared after all (its entry was refused, or was stored with another copy). */
  public CompletionStage<Void> release(String fileId) {
    return collect(blocking(d -> d.release(fileId)));
  }

  /** The entry at {@code seq} of the room was deleted: its file goes. */
  public CompletionStage<Void> releaseEntry(String roomId, long seq) {
    return collect(blocking(d -> d.releaseEntry(roomId, seq)));
  }

  /** The room was deleted: its files go. */
  public CompletionStage<Void> releaseRoom(String roomId) {
    return collect(blocking(d -> d.releaseRoom(roomId)));
  }

  /** The room's retention removed its entries before {@code floor}: their files go. */
  public CompletionStage<Void> releaseBelow(String roomId, long floor) {
    return collect(blocking(d -> d.releaseBelow(roomId, floor)));
  }

  private CompletionStage<Void> collect(CompletionStage<FileDb.Freed> freed) {
    return freed.thenCompose(f -> dropAll(f.sha256s())).thenApply(n -> null);
  }

  /** Deletes the blobs among {@code sha256s} that no file uses; how many went. */
  private CompletionStage<Integer> dropAll(List<String> sha256s) {
    CompletionStage<Integer> all = CompletableFuture.completedFuture(0);
    for (String sha : sha256s) {
      all = all.thenCompose(n -> blocking(d -> d.dropBlob(sha)).thenCompose(location -> location.isEmpty()
          ? CompletableFuture.completedFuture(n)
          : forget(location.get()).thenApply(v -> n + 1)));
    }
    return all;
  }

  /** What one sweep collected. */
  public record Swept(int staleUploads, int unplacedFiles, int blobs, int tickets) {}

  /**
   * Collects what failures left: uploads whose writer died ({@code upload-stale-after}), files whose entry was never
   * stored ({@code unplaced-after}), blobs no file uses, expired tickets. Idempotent; every node may run it.
   */
  public CompletionStage<Swept> sweep() {
    long now = clock.millis();
    return blocking(d -> d.staleUploads(now - settings.uploadStaleAfter().toMillis()))
        .thenCompose(stale -> {
          CompletionStage<Void> gone = CompletableFuture.completedFuture(null);
          for (String location : stale) {
            gone = gone.thenCompose(v -> forget(location));
          }
          return gone.thenApply(v -> stale.size());
        })
        .thenCompose(stale -> blocking(d -> d.releaseUnplaced(now - settings.unplacedAfter().toMillis()))
            .thenCompose(unplaced -> blocking(FileDb::unreferenced)
                .thenCompose(blobs -> {
                  List<String> all = new ArrayList<>(blobs);
                  return dropAll(all);
                })
                .thenCompose(blobs -> blocking(d -> d.dropExpiredTickets(now))
                    .thenApply(tickets -> new Swept(stale, unplaced.sha256s().size(), blobs, tickets)))));
  }

  /** Sweeps every {@code parley.files.sweep-every}, from a minute after start. */
  public void startSweeping() {
    Duration every = settings.sweepEvery();
    system.scheduler().scheduleWithFixedDelay(every.compareTo(Duration.ofMinutes(1)) < 0 ? every : Duration.ofMinutes(1),
        every, () -> sweep().whenComplete((swept, failure) -> {
          if (failure != null) {
            LOG.warn("The files' sweep failed (again in {})", every, failure);
          } else if (swept.staleUploads() + swept.unplacedFiles() + swept.blobs() > 0) {
            LOG.info("Files swept: {} stale uploads, {} files never shared, {} blobs no file uses",
                swept.staleUploads(), swept.unplacedFiles(), swept.blobs());
          }
        }), system.executionContext());
  }
}
