package parley.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client's listener that queues what its socket receives and records how it closed. */
final class Inbox implements Ws.Listener {
  final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();

  @Override
  public void onText(String text) {
    frames.add(text);
  }

  @Override
  public void onClosed(Throwable failure) {
    closed.complete(failure);
  }

  /** The next frame, waiting up to 30 s for it (three systems share this JVM on a busy host). */
  String next() throws InterruptedException {
    String f = frames.poll(30, TimeUnit.SECONDS);
    if (f == null) {
      throw new AssertionError("no frame within 30 s");
    }
    return f;
  }
}
