package parley.client.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.client.core.ChatClient;
import parley.client.core.RoomState;
import parley.client.line.LineMode;
import parley.client.net.Backoff;
import parley.client.net.HttpParleyApi;
import parley.client.net.LinkStatus;
import parley.client.net.ParleyApi;
import parley.client.net.Scheduler;
import parley.client.net.WebSocketLink;
import parley.protocol.ClientFrame;
import parley.protocol.Credentials;
import parley.protocol.CreateRoom;
import parley.protocol.LoginResponse;
import parley.protocol.Message;
import parley.protocol.MessagePage;

/**
 * The connection layer against a real node in its own process: reconnect and resume after the node is killed
 * with SIGKILL and restarted on the same data, the outbox, and the line mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveNodeTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Path dir;
  private RunningNode node;

  @BeforeAll
  void startNode() throws Exception {
    dir = Files.createTempDirectory("parley-client-it");
    node = new RunningNode(dir.resolve("data"));
    node.start();
  }

  @AfterAll
  void stopNode() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    node.close();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A user of this run: signed up and logged in. */
  private record User(String name, String token, ParleyApi api) {}

  private User user(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    Credentials credentials = new Credentials(name, "password-" + name);
    ParleyApi anonymous = new HttpParleyApi(http, node.uri());
    anonymous.signup(credentials).join();
    LoginResponse login = anonymous.login(credentials).join();
    return new User(name, login.token(), anonymous.withToken(login.token()));
  }

  /** A running client on its own thread, reconnecting fast, its link tapped. */
  private record Running(ChatClient client, ClientProbe probe, TappedLink link) {}

  private Running connect(User user) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    Scheduler scheduler = Scheduler.of(thread, timer);
    TappedLink link = new TappedLink(new WebSocketLink(http, node.uri(), user.token(), scheduler,
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random()),
        new WebSocketLink.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5)),
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

  /** Retry an HTTP call while the node comes back (a retried post keeps its clientMsgId, so it stores once). */
  private static <T> T eventually(Supplier<CompletableFuture<T>> call) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return call.get().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(250, TimeUnit.MILLISECONDS)).join();
      }
    }
  }

  private static boolean settled(ChatClient c, String roomId) {
    RoomState room = c.state().room(roomId).orElse(null);
    return room != null && room.loaded() && room.gap().isEmpty() && room.pending().isEmpty() && c.owed() == 0;
  }

  private static List<String> texts(ChatClient c, String roomId) {
    return c.state().room(roomId).orElseThrow().entries().stream()
        .filter(m -> Message.KIND_MESSAGE.equals(m.kind()))
        .map(Message::text)
        .toList();
  }

  private List<Message> serverTimeline(User reader, String roomId) {
    MessagePage page = reader.api().after(roomId, 0, 200).join();
    return page.messages();
  }

  @Test
  void afterTheNodeIsKilledAndRestartedTheClientResumesWithNothingLostOrDoubled() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    String room = alice.api().createRoom(new CreateRoom("resume", null, null)).join().id();
    bob.api().join(room, null).join();
    Running client = connect(alice);
    client.probe().await("room loaded", 30, c -> settled(c, room));

    for (int i = 1; i <= 5; i++) {
      bob.api().post(room, "b-" + i, "before " + i).join();
    }
    client.probe().await("the live messages", 30, c -> texts(c, room).contains("before 5"));

    node.kill();
    client.probe().await("offline", 30, c -> c.state().link().state() == LinkStatus.State.RECONNECTING);
    client.probe().run(c -> {
      c.send(room, "typed offline 1");
      c.send(room, "typed offline 2");
    });
    assertEquals(2, client.probe().read(ChatClient::owed));

    node.start();
    for (int i = 1; i <= 3; i++) {
      String id = "a-" + i;
      String text = "after " + i;
      eventually(() -> bob.api().post(room, id, text));
    }
    client.probe().await("resumed and settled", 60,
        c -> c.state().link().online() && settled(c, room) && texts(c, room).contains("after 3"));

    List<String> seen = client.probe().read(c -> texts(c, room));
    List<String> expected = List.of("before 1", "before 2", "before 3", "before 4", "before 5",
        "typed offline 1", "typed offline 2", "after 1", "after 2", "after 3");
    assertEquals(expected.stream().sorted().toList(), seen.stream().sorted().toList(), "each message exactly once");
    assertEquals(List.of("typed offline 1", "typed offline 2"),
        seen.stream().filter(t -> t.startsWith("typed")).toList(), "in the order typed");

    List<Long> seqs = client.probe().read(c -> c.state().room(room).orElseThrow().entries().stream()
        .map(Message::seq).toList());
    long first = seqs.get(0);
    for (int i = 0; i < seqs.size(); i++) {
      assertEquals(first + i, seqs.get(i), "gap-free, in seq order: " + seqs);
    }
    List<Message> stored = serverTimeline(alice, room);
    assertEquals(stored.stream().map(m -> m.seq() + " " + m.text()).toList(),
        client.probe().read(c -> c.state().room(room).orElseThrow().entries().stream()
            .map(m -> m.seq() + " " + m.text()).toList()),
        "the client holds exactly what the server stored, at the same seqs");
  }

  @Test
  void anUnackedSendIsResentWithItsOriginalIdAndStoredOnce() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    String room = alice.api().createRoom(new CreateRoom("outbox", null, null)).join().id();
    bob.api().join(room, null).join();
    Running sender = connect(alice);
    Running watcher = connect(bob);
    sender.probe().await("room loaded", 30, c -> settled(c, room));
    watcher.probe().await("room loaded", 30, c -> settled(c, room));

    sender.link().deaf(true); // the send reaches the server; its ack and its message frame never come back
    sender.probe().run(c -> c.send(room, "exactly once"));
    watcher.probe().await("stored", 30, c -> texts(c, room).contains("exactly once"));
    assertEquals(1, sender.probe().read(ChatClient::owed), "still owed: no ack came");

    sender.probe().run(c -> {
      sender.link().drop(); // what the deaf connection had in flight is gone with it
      sender.link().deaf(false);
    });
    sender.probe().await("reconnected and settled", 30, c -> c.state().link().online() && settled(c, room));

    List<String> ids = sender.probe().read(c -> sender.link().sent.stream()
        .filter(f -> f instanceof ClientFrame.Send)
        .map(f -> ((ClientFrame.Send) f).clientMsgId())
        .toList());
    assertEquals(2, ids.size(), "sent, then resent after the reconnect");
    assertEquals(ids.get(0), ids.get(1), "with the same clientMsgId");
    assertEquals(1, serverTimeline(alice, room).stream().filter(m -> "exactly once".equals(m.text())).count());
    assertEquals(1, sender.probe().read(c -> texts(c, room)).stream().filter("exactly once"::equals).count());
  }

  @Test
  void lineModeSendsAndTails() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    String room = alice.api().createRoom(new CreateRoom("scripts", null, null)).join().id();
    bob.api().join(room, null).join();
    Backoff fast = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random());

    LineCapture tailOut = new LineCapture();
    LineCapture tailErr = new LineCapture();
    CompletableFuture<Void> stopTail = new CompletableFuture<>();
    LineMode tail = new LineMode(node.uri(), bob.name(), "password-" + bob.name(), null, tailOut.stream(), tailErr.stream(), fast);
    CompletableFuture<Integer> tailExit = CompletableFuture.supplyAsync(() -> tail.tail("scripts", 0, stopTail));
    tailErr.line(l -> l.startsWith("parley: following")).get(30, TimeUnit.SECONDS);

    LineCapture sendOut = new LineCapture();
    LineCapture sendErr = new LineCapture();
    LineMode send = new LineMode(node.uri(), alice.name(), "password-" + alice.name(), null, sendOut.stream(), sendErr.stream(), fast);
    assertEquals(0, send.send(room, "hello from a script\nsecond line", Duration.ofSeconds(30)), sendErr.text());
    String seq = sendOut.text().strip();

    String printed = tailOut.line(l -> l.contains("hello from a script")).get(30, TimeUnit.SECONDS);
    assertEquals(seq + " " + alice.name() + ": hello from a script\\nsecond line", printed);
    stopTail.complete(null);
    assertEquals(0, tailExit.get(30, TimeUnit.SECONDS));

    assertEquals(1, new LineMode(node.uri(), alice.name(), "wrong password", null, sendOut.stream(), sendErr.stream(), fast)
        .send(room, "nope", Duration.ofSeconds(5)));
    assertTrue(sendErr.text().contains("bad") || sendErr.text().contains("password"), sendErr.text());
  }

  @Test
  void aFileUploadedByLineModeIsTailedAndAnInterruptedDownloadResumesToTheSameBytes() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    String room = alice.api().createRoom(new CreateRoom("drops", null, null)).join().id();
    bob.api().join(room, null).join();
    Backoff fast = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random());
    LineCapture tailOut = new LineCapture();
    LineCapture tailErr = new LineCapture();
    CompletableFuture<Void> stopTail = new CompletableFuture<>();
    LineMode tail = new LineMode(node.uri(), bob.name(), "password-" + bob.name(), null, tailOut.stream(),
        tailErr.stream(), fast);
    CompletableFuture<Integer> tailExit = CompletableFuture.supplyAsync(() -> tail.tail("drops", 0, stopTail));
    tailErr.line(l -> l.startsWith("parley: following")).get(30, TimeUnit.SECONDS);

    byte[] bytes = new byte[1_500_000];
    new Random(9).nextBytes(bytes);
    Path file = dir.resolve("dump.bin");
    Files.write(file, bytes);
    LineCapture upOut = new LineCapture();
    LineCapture upErr = new LineCapture();
    LineMode up = new LineMode(node.uri(), alice.name(), "password-" + alice.name(), null, upOut.stream(),
        upErr.stream(), fast);
    assertEquals(0, up.upload(room, file), upErr.text());
    String[] printed = upOut.text().strip().split(" ");
    String tailed = tailOut.line(l -> l.contains("[file]")).get(30, TimeUnit.SECONDS);
    assertEquals(printed[0] + " " + alice.name() + ": [file] dump.bin (1500000 bytes, application/octet-stream, id "
        + printed[1] + ")", tailed);
    stopTail.complete(null);
    assertEquals(0, tailExit.get(30, TimeUnit.SECONDS));

    // Bob's download stopped after 600,000 bytes: the next one asks for the rest only, and the result is the file.
    Message entry = bob.api().after(room, Long.parseLong(printed[0]) - 1, 1).join().messages().get(0);
    Path into = dir.resolve("bob-downloads");
    Files.createDirectories(into);
    Files.write(into.resolve("dump.bin.part"), java.util.Arrays.copyOf(bytes, 600_000));
    long[] firstSeen = {-1};
    Path saved = bob.api().download(entry.file(), into, n -> {
      if (firstSeen[0] < 0) {
        firstSeen[0] = n;
      }
    }).get(30, TimeUnit.SECONDS);
    assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(saved)));
    assertTrue(firstSeen[0] > 600_000, "counted on from what was there: " + firstSeen[0]);
    assertTrue(Files.notExists(into.resolve("dump.bin.part")));
    assertEquals(1, up.upload(room, dir.resolve("no-such-file")));
  }

  @Test
  void lineModeUsesTheKeptLoginPrintsHistoryAndCannotBeDrivenByWhatOthersSend() throws Exception {
    User alice = user("alice");
    User mallory = user("mallory");
    String room = alice.api().createRoom(new CreateRoom("terminals", null, null)).join().id();
    mallory.api().join(room, null).join();
    alice.api().post(room, "h1", "before the tail").join();
    // Escape sequences that would set the window title, clear the screen, and a line reordered by bidi controls.
    mallory.api().post(room, "m1", "\u001b]0;pwned\u0007\u001b[2J\u009b31mred \u2066txt.exe\u2069 \u202egnp.\u202c").join();
    Backoff fast = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random());

    LineCapture out = new LineCapture();
    LineCapture err = new LineCapture();
    CompletableFuture<Void> stop = new CompletableFuture<>();
    // No password: the login the full-screen client kept for this server.
    LineMode tail = new LineMode(node.uri(), null, null,
        new parley.client.ClientConfig.SavedLogin(alice.name(), alice.token()), out.stream(), err.stream(), fast);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> tail.tail(room, 10, stop));
    out.line(l -> l.contains("before the tail")).get(30, TimeUnit.SECONDS);
    String hostile = out.line(l -> l.contains(mallory.name())).get(30, TimeUnit.SECONDS);
    assertTrue(hostile.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069)), "nothing that drives a terminal: " + hostile.chars().mapToObj(Integer::toHexString).toList());
    assertTrue(hostile.contains("pwned") && hostile.contains("red"), "the text itself still shows: " + hostile);
    stop.complete(null);
    assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    assertEquals(200, alice.api().me().handle((me, e) -> e == null ? 200 : 401).join(), "a kept login is not logged out");

    LineMode nobody = new LineMode(node.uri(), null, null, null, out.stream(), err.stream(), fast);
    assertEquals(2, nobody.run(parley.client.ClientArgs.parse("--tail", room)));
    assertTrue(err.text().contains(node.uri().toString()), "names the server: " + err.text());
  }
}
