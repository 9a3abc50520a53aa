package parley.client.live;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** An output stream that hands over whole lines as they are printed, so a test can wait for one. */
final class LineCapture extends OutputStream {
  private record Waiter(Predicate<String> matching, CompletableFuture<String> found) {}

  private final ByteArrayOutputStream all = new ByteArrayOutputStream();
  private final ByteArrayOutputStream current = new ByteArrayOutputStream();
  private final List<String> lines = new ArrayList<>();
  private final List<Waiter> waiting = new ArrayList<>();

  PrintStream stream() {
    return new PrintStream(this, true, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) {
    all.write(b);
    if (b != '\n') {
      current.write(b);
      return;
    }
    String line = current.toString(StandardCharsets.UTF_8);
    current.reset();
    lines.add(line);
    waiting.removeIf(w -> w.matching().test(line) && w.found().complete(line));
  }

  /** The first line printed (so far or later) that matches. */
  synchronized CompletableFuture<String> line(Predicate<String> matching) {
    CompletableFuture<String> found = new CompletableFuture<>();
    lines.stream().filter(matching).findFirst().ifPresentOrElse(found::complete,
        () -> waiting.add(new Waiter(matching, found)));
    return found;
  }

  synchronized String text() {
    return all.toString(StandardCharsets.UTF_8);
  }
}
