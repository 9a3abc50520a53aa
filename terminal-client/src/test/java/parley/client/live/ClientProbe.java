package parley.client.live;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import parley.client.core.ChatClient;

/**
 * Waits for a client's state to satisfy a condition, checked on the client's own thread after every change: no
 * polling, no sleeping. Also reads the state on that thread.
 */
final class ClientProbe implements ChatClient.Listener {
  private record Waiter(Predicate<ChatClient> condition, CompletableFuture<Void> met) {}

  private final ChatClient client;
  private final List<Waiter> waiters = new ArrayList<>();

  ClientProbe(ChatClient client) {
    this.client = client;
    client.addListener(this);
  }

  /** Blocks until {@code condition} holds, for at most {@code seconds}; the message says what was awaited. */
  void await(String what, int seconds, Predicate<ChatClient> condition) throws Exception {
    CompletableFuture<Void> met = new CompletableFuture<>();
    client.scheduler().execute(() -> {
      if (condition.test(client)) {
        met.complete(null);
      } else {
        waiters.add(new Waiter(condition, met));
      }
    });
    try {
      met.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not within " + seconds + " s: " + what + "; link " + read(c -> c.state().link()), e);
    }
  }

  <T> T read(Function<ChatClient, T> query) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    client.scheduler().execute(() -> result.complete(query.apply(client)));
    return result.get(10, TimeUnit.SECONDS);
  }

  void run(Consumer<ChatClient> action) throws Exception {
    read(c -> {
      action.accept(c);
      return null;
    });
  }

  @Override
  public void onChange() {
    waiters.removeIf(w -> {
      if (w.condition().test(client)) {
        w.met().complete(null);
        return true;
      }
      return false;
    });
  }
}
