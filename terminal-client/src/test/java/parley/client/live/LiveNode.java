package parley.client.live;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import parley.client.core.ChatClient;
import parley.client.core.RoomState;
import parley.client.net.Backoff;
import parley.client.net.HttpParleyApi;
import parley.client.net.ParleyApi;
import parley.client.net.Scheduler;
import parley.client.net.WebSocketLink;
import parley.protocol.Credentials;
import parley.protocol.LoginResponse;
import parley.protocol.Message;

/**
 * One real node for a test class, with what its scenarios need of it: users signed up under names of their own (so
 * tests sharing the node never collide), and real clients on their own threads, reconnecting fast, links tapped.
 */
final class LiveNode implements AutoCloseable {
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> closing = new ArrayList<>();
  final Path dir;
  final RunningNode node;

  private LiveNode(Path dir) {
    this.dir = dir;
    this.node = new RunningNode(dir.resolve("data"));
  }

  static LiveNode start() throws Exception {
    LiveNode live = new LiveNode(Files.createTempDirectory("parley-client-it"));
    live.node.start();
    return live;
  }

  /** A user of this run: signed up and logged in. */
  record User(String name, String token, ParleyApi api) {}

  /** A running client on its own thread, its link tapped. */
  record Running(ChatClient client, ClientProbe probe, TappedLink link) {}

  User user(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    Credentials credentials = new Credentials(name, "password-" + name);
    ParleyApi anonymous = new HttpParleyApi(http, node.uri());
    anonymous.signup(credentials).join();
    LoginResponse login = anonymous.login(credentials).join();
    return new User(name, login.token(), anonymous.withToken(login.token()));
  }

  /** Connects a client of {@code user} and waits until it is online. */
  Running connect(User user) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    Scheduler scheduler = Scheduler.of(thread, timer);
    TappedLink link = new TappedLink(new WebSocketLink(http, node.uri(), user.token(), scheduler,
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random()),
        // Pongs may be late by a minute before the link is given up: a node these tests kill closes the socket at
        // once, and a test that makes the link deaf (LiveNodeTest) decides itself when it drops, not a busy host.
        new WebSocketLink.Settings(Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(15)),
        Clock.systemUTC()));
    ChatClient client = new ChatClient(user.name(), user.api(), link, scheduler, ChatClient.Options.interactive(),
        Clock.systemUTC());
    ClientProbe probe = new ClientProbe(client);
    closing.add(() -> {
      thread.execute(client::stop);
      thread.shutdown();
      thread.awaitTermination(5, TimeUnit.SECONDS);
      timer.shutdownNow();
    });
    thread.execute(client::start);
    probe.await("online", 30, c -> c.state().link().online());
    return new Running(client, probe, link);
  }

  /** The room is loaded, with no gap, nothing pending and nothing owed. */
  static boolean settled(ChatClient c, String roomId) {
    RoomState room = c.state().room(roomId).orElse(null);
    return room != null && room.loaded() && room.gap().isEmpty() && room.pending().isEmpty() && c.owed() == 0;
  }

  /** The texts of the room's messages the client holds, in seq order. */
  static List<String> texts(ChatClient c, String roomId) {
    return c.state().room(roomId).orElseThrow().entries().stream()
        .filter(m -> Message.KIND_MESSAGE.equals(m.kind()))
        .map(Message::text)
        .toList();
  }

  /** What the client holds of a room, one line per entry: seq, kind, sender, text. */
  static List<String> held(ChatClient c, String roomId) {
    return c.state().room(roomId).orElseThrow().entries().stream().map(LiveNode::line).toList();
  }

  static String line(Message m) {
    return m.seq() + " " + m.kind() + " " + m.sender() + " " + m.text();
  }

  /** The room's whole timeline as the server stores it (up to 200 entries). */
  static List<Message> timeline(User reader, String roomId) {
    return reader.api().after(roomId, 0, 200).join().messages();
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    node.close();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
