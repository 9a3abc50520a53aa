package parley.client.line;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import parley.client.core.ChatClient;
import parley.client.net.Backoff;
import parley.client.net.ParleyApi;
import parley.client.net.Scheduler;
import parley.client.net.WebSocketLink;
import parley.protocol.RoomSummary;

/**
 * A logged-in client on a thread of its own, for one line-mode run; closing it logs out a login made for the run (a
 * kept one stays).
 */
final class LineSession implements AutoCloseable {
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> daemon(r, "parley-client"));
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "parley-timer"));
  private final ParleyApi api;
  private final ChatClient client;
  private final boolean logoutOnClose;
  private RoomSummary room;

  LineSession(HttpClient http, URI server, String username, String token, boolean logoutOnClose, ParleyApi api,
      Backoff backoff, ChatClient.Options options) {
    this.api = api;
    this.logoutOnClose = logoutOnClose;
    Scheduler scheduler = Scheduler.of(thread, timer);
    WebSocketLink link = new WebSocketLink(
        http, server, token, scheduler, backoff, WebSocketLink.Settings.standard(), Clock.systemUTC());
    this.client = new ChatClient(username, api, link, scheduler, options, Clock.systemUTC());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  ParleyApi api() {
    return api;
  }

  RoomSummary room() {
    return room;
  }

  void room(RoomSummary room) {
    this.room = room;
  }

  void onClientThread(Consumer<ChatClient> task) {
    thread.execute(() -> task.accept(client));
  }

  @Override
  public void close() {
    thread.execute(client::stop);
    if (logoutOnClose) {
      try {
        api.logout().get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the token expires on its own; nothing else to do
      }
    }
    thread.shutdown();
    timer.shutdownNow();
  }
}
