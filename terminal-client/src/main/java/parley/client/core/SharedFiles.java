package parley.client.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import parley.client.net.ApiException;
import parley.client.net.ParleyApi;
import parley.protocol.FileRef;
import parley.protocol.Message;

/**
 * Files shared in the room in view: one upload or download at a time, its progress in {@link ChatState#transfer()}
 * for the status bar, and a way to cancel it. Runs on the client's thread, like {@link ChatClient}.
 */
public final class SharedFiles {
  private final ChatClient client;
  private final ChatState state;
  private final ParleyApi api;
  private final Clock clock;
  /** The transfer running (at most one at a time), to cancel. */
  private CompletableFuture<?> transferring;
  private long progressShownAt;

  SharedFiles(ChatClient client) {
    this.client = client;
    this.state = client.state();
    this.api = client.api();
    this.clock = client.clock();
  }

  /** Shares the file at {@code path} in the room in view, with progress in the status bar. */
  public void upload(Path path) {
    client.inCurrentRoom(room -> {
      if (transferring != null) {
        client.notice("A transfer is running: wait for it, or Esc cancels it.", true);
        return;
      }
      long size;
      try {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
          client.notice("Cannot read " + path + ": no such file, or not a readable one.", true);
          return;
        }
        size = Files.size(path);
      } catch (IOException e) {
        client.notice("Cannot read " + path + ": " + e.getMessage(), true);
        return;
      }
      String name = path.getFileName().toString();
      state.transfer(new Transfer(name, true, size, 0, 0, clock.instant()));
      CompletableFuture<Message> upload = api.upload(room.id(), path, UUID.randomUUID().toString(), this::progress);
      transferring = upload;
      client.fetch(upload, (entry, failure) -> {
        transferring = null;
        state.transfer(null);
        if (failure != null) {
          client.notice(upload.isCancelled() ? "Upload of " + name + " cancelled." : "Not shared: "
              + ApiException.of(failure).getMessage(), !upload.isCancelled());
          return;
        }
        state.receive(room.id(), List.of(entry), true);
        client.notice("Shared " + name + " (" + Transfer.size(size) + ") as #" + entry.seq() + ".", false);
      });
    });
  }

  /** Progress from the HTTP client's thread: shown on the client's, at most 10 times a second. */
  private void progress(long bytes) {
    client.scheduler().execute(() -> {
      state.transfer().ifPresent(t -> state.transfer(t.progressed(bytes)));
      long now = clock.millis();
      if (now - progressShownAt >= 100) {
        progressShownAt = now;
        client.changed();
      }
    });
  }

  /** Downloads the file shared at {@code seq} in the room in view into {@code dir}, resuming an earlier try. */
  public void download(long seq, Path dir) {
    client.inCurrentRoom(room -> {
      Message entry = room.entry(seq).map(room::current).orElse(null);
      if (entry == null || entry.file() == null) {
        client.notice("#" + seq + " is no file here (only the ones this client holds: scroll up to load older ones).",
            true);
        return;
      }
      if (transferring != null) {
        client.notice("A transfer is running: wait for it, or Esc cancels it.", true);
        return;
      }
      FileRef file = entry.file();
      long have = 0;
      try {
        Path part = dir.resolve(file.name() + ".part");
        have = Files.exists(part) ? Files.size(part) : 0;
      } catch (IOException | InvalidPathException e) {
        have = 0;
      }
      state.transfer(new Transfer(file.name(), false, file.size(), have, have, clock.instant()));
      CompletableFuture<Path> download = api.download(file, dir, this::progress);
      transferring = download;
      client.fetch(download, (path, failure) -> {
        transferring = null;
        state.transfer(null);
        if (failure != null) {
          client.notice(download.isCancelled() ? "Download of " + file.name() + " stopped; /download " + seq
              + " again resumes it." : "Not downloaded: " + ApiException.of(failure).getMessage()
              + " (/download " + seq + " again resumes it)", !download.isCancelled());
          return;
        }
        client.notice("Saved " + path + " (" + Transfer.size(file.size()) + ", sha256 checked).", false);
      });
    });
  }

  /** Stops the transfer running, if any: true if there was one. */
  public boolean cancelTransfer() {
    CompletableFuture<?> t = transferring;
    if (t == null) {
      return false;
    }
    t.cancel(true);
    return true;
  }
}
