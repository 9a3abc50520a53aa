package parley.client.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.client.live.LiveNode.settled;
import static parley.client.live.LiveNode.texts;
import static parley.client.live.LiveNode.timeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.client.ClientArgs;
import parley.client.ClientConfig;
import parley.client.command.TabCompleter;
import parley.client.core.ChatClient;
import parley.client.core.Notice;
import parley.client.line.LineMode;
import parley.client.live.LiveNode.Running;
import parley.client.live.LiveNode.User;
import parley.client.net.Backoff;
import parley.client.net.HttpParleyApi;
import parley.client.net.LinkStatus;
import parley.client.net.ParleyApi;
import parley.protocol.ClientFrame;
import parley.protocol.Credentials;
import parley.protocol.CreateRoom;
import parley.protocol.InviteLinkRequest;
import parley.protocol.InviteLinkView;
import parley.protocol.Message;

/**
 * The connection layer against a real node in its own process: reconnect and resume after the node is killed
 * with SIGKILL and restarted on the same data, the outbox, and the line mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveNodeTest {
  private LiveNode live;
  private Path dir;
  private RunningNode node;

  @BeforeAll
  void startNode() throws Exception {
    live = LiveNode.start();
    dir = live.dir;
    node = live.node;
  }

  @AfterAll
  void stopNode() throws Exception {
    live.close();
  }

  private User user(String prefix) {
    return live.user(prefix);
  }

  private Running connect(User user) throws Exception {
    return live.connect(user);
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
    List<Message> stored = timeline(alice, room);
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
    assertEquals(1, timeline(alice, room).stream().filter(m -> "exactly once".equals(m.text())).count());
    assertEquals(1, sender.probe().read(c -> texts(c, room)).stream().filter("exactly once"::equals).count());
  }

  /** Another device of the same user: a login of its own. */
  private ParleyApi otherDevice(User user) {
    ParleyApi anonymous = new HttpParleyApi(live.http, node.uri());
    return anonymous.withToken(anonymous.login(new Credentials(user.name(), "password-" + user.name())).join().token());
  }

  @Test
  void roomsJoinedAndLeftOnAnotherDeviceJoinAndLeaveTheList() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    String home = alice.api().createRoom(new CreateRoom("home", null, null)).join().id();
    Running client = connect(alice);
    client.probe().await("home loaded", 30, c -> settled(c, home));
    ParleyApi phone = otherDevice(alice);

    String elsewhere = bob.api().createRoom(new CreateRoom("elsewhere", null, null)).join().id();
    phone.join(elsewhere, null).join();
    client.probe().await("room_added", 30, c -> c.state().room(elsewhere)
        .map(r -> "elsewhere".equals(r.name()) && r.loaded() && r.members().contains(bob.name())).orElse(false));
    assertEquals(home, client.probe().read(c -> c.state().current().orElseThrow().id()), "not switched to");

    phone.leave(elsewhere).join();
    client.probe().await("room_left", 30, c -> c.state().room(elsewhere).isEmpty());
    List<String> said = client.probe().read(c -> c.state().room(home).orElseThrow().notices().stream()
        .map(Notice::text).toList());
    assertTrue(said.contains("You left #elsewhere on another device."), said.toString());
  }

  @Test
  void anInviteLinkPastedIntoJoinBringsTheUserIntoAPrivateRoom() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    String crew = alice.api().createRoom(new CreateRoom("crew", "open-sesame", null, "private")).join().id();
    InviteLinkView link = alice.api().makeInviteLink(crew, new InviteLinkRequest(1, null)).join();
    String url = alice.api().inviteUrl(link.token());
    assertEquals(node.uri().resolve("/") + "#invite=" + link.token(), url);
    Running client = connect(bob);
    client.probe().run(c -> c.rooms().join(url, null));
    client.probe().await("joined by the link", 30, c -> c.state().current().map(r -> r.id().equals(crew)).orElse(false)
        && settled(c, crew));
    assertEquals(1, alice.api().inviteLinks(crew).join().links().get(0).uses());
  }

  @Test
  void aNickCompletedAtTheStartOfALineMentionsThatMember() throws Exception {
    User alice = user("alice");
    User dave = user("dave");
    String room = alice.api().createRoom(new CreateRoom("addressed", null, null)).join().id();
    dave.api().join(room, null).join();
    Running client = connect(alice);
    client.probe().await("room loaded", 30, c -> settled(c, room));

    String line = new TabCompleter().complete("dav", List.of(dave.name())) + "the agenda is up";
    assertEquals(dave.name() + ": the agenda is up", line);
    client.probe().run(c -> c.send(room, line));
    client.probe().await("stored", 30, c -> settled(c, room) && texts(c, room).contains(line));

    Message stored = timeline(dave, room).stream().filter(m -> line.equals(m.text())).findFirst().orElseThrow();
    assertEquals(line, stored.text(), "stored as sent");
    assertEquals(List.of(dave.name()), stored.mentions(), "the server counts a leading \"dave:\" as a mention");
    assertTrue(dave.api().notifications().join().notifications().stream()
        .anyMatch(n -> n.room().equals(room) && "mention".equals(n.kind()) && n.seq() == stored.seq()),
        "in dave's inbox");
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
    Files.write(into.resolve("dump.bin.part"), Arrays.copyOf(bytes, 600_000));
    long[] firstSeen = {-1};
    Path saved = bob.api().download(entry.file(), into, n -> {
      if (firstSeen[0] < 0) {
        firstSeen[0] = n;
      }
    }).get(30, TimeUnit.SECONDS);
    assertTrue(Arrays.equals(bytes, Files.readAllBytes(saved)));
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
    // ESC and BEL (an escape sequence that would set the window title) the node refuses itself (protocol.md, Text).
    CompletionException refused = assertThrows(CompletionException.class,
        () -> mallory.api().post(room, "m0", "\u001b]0;pwned\u0007").join());
    assertTrue(refused.getCause().getMessage().contains("control character"), refused.getCause().getMessage());
    // What it takes must not drive a terminal either: C1's CSI (clear the screen, colour), a line reordered by bidi.
    mallory.api().post(room, "m1", "\u009b2Jpwned \u009b31mred \u2066txt.exe\u2069 \u202egnp.\u202c").join();
    Backoff fast = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random());

    LineCapture out = new LineCapture();
    LineCapture err = new LineCapture();
    CompletableFuture<Void> stop = new CompletableFuture<>();
    // No password: the login the full-screen client kept for this server.
    LineMode tail = new LineMode(node.uri(), null, null,
        new ClientConfig.SavedLogin(alice.name(), alice.token()), out.stream(), err.stream(), fast);
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
    assertEquals(2, nobody.run(ClientArgs.parse("--tail", room)));
    assertTrue(err.text().contains(node.uri().toString()), "names the server: " + err.text());
  }
}
