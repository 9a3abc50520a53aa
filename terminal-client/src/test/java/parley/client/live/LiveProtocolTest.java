package parley.client.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.client.live.LiveNode.held;
import static parley.client.live.LiveNode.settled;
import static parley.client.live.LiveNode.texts;
import static parley.client.live.LiveNode.timeline;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.client.core.ChatClient;
import parley.client.core.Notice;
import parley.client.core.RoomState;
import parley.client.live.LiveNode.Running;
import parley.client.live.LiveNode.User;
import parley.protocol.ClientFrame;
import parley.protocol.CreateRoom;
import parley.protocol.Message;
import parley.protocol.Moderation;

/**
 * The client's protocol scenarios of {@code core/ChatClientTest} and {@code core/MembershipTest}, run against a real
 * node instead of {@code FakeServer}: what the client holds must be exactly what the node stored, at the same seqs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveProtocolTest {
  private LiveNode live;

  @BeforeAll
  void startNode() throws Exception {
    live = LiveNode.start();
  }

  @AfterAll
  void stopNode() throws Exception {
    live.close();
  }

  private static List<String> stored(User reader, String room) {
    return timeline(reader, room).stream().map(LiveNode::line).toList();
  }

  private static RoomState room(ChatClient c, String id) {
    return c.state().room(id).orElseThrow();
  }

  @Test
  void helloLoadsEachRoomsLatestPageAndItsMembers() throws Exception {
    User alice = live.user("alice");
    User bob = live.user("bob");
    String room = alice.api().createRoom(new CreateRoom("general", null, null)).join().id();
    bob.api().join(room, null).join();
    bob.api().post(room, "b-1", "one").join();
    bob.api().post(room, "b-2", "two").join();

    Running client = live.connect(alice);
    client.probe().await("room loaded", 30, c -> settled(c, room));

    assertEquals(stored(alice, room), client.probe().read(c -> held(c, room)), "the node's timeline, at its seqs");
    assertEquals(Set.of(alice.name(), bob.name()), client.probe().read(c -> Set.copyOf(room(c, room).members())));
    assertEquals(room, client.probe().read(c -> c.state().current().orElseThrow().id()));
    long last = timeline(alice, room).size();
    client.probe().await("read marker and focus sent", 30, c -> client.link().sent.containsAll(
        List.of(new ClientFrame.Read(room, last), new ClientFrame.Focus(room))));
  }

  @Test
  void aReconnectFetchesExactlyWhatWasMissedBySeq() throws Exception {
    User alice = live.user("alice");
    User bob = live.user("bob");
    String room = alice.api().createRoom(new CreateRoom("resume", null, null)).join().id();
    bob.api().join(room, null).join();
    bob.api().post(room, "b-1", "one").join();
    Running client = live.connect(alice);
    client.probe().await("room loaded", 30, c -> settled(c, room) && texts(c, room).contains("one"));

    long last = client.probe().read(c -> room(c, room).lastSeq());
    client.link().deaf(true); // the connection is dead to the client: what bob sends now is missed
    bob.api().post(room, "b-2", "two (missed)").join();
    bob.api().post(room, "b-3", "three (missed)").join();
    client.probe().run(c -> {
      client.link().drop();
      client.link().deaf(false);
    });
    client.probe().await("resumed", 30, c -> c.state().link().online() && settled(c, room)
        && texts(c, room).contains("three (missed)"));
    bob.api().post(room, "b-4", "four (live)").join();
    client.probe().await("the live one", 30, c -> texts(c, room).contains("four (live)"));

    assertEquals(stored(alice, room), client.probe().read(c -> held(c, room)), "each entry once, at its seq");
    List<Map<String, Long>> handshakes = client.link().resumedFrom;
    assertEquals(Map.of(room, last), handshakes.get(handshakes.size() - 1), "resumed after the last seq it held");
  }

  @Test
  void scrollingUpLoadsTheOlderPagesUntilTheFirstEntry() throws Exception {
    User alice = live.user("alice");
    User bob = live.user("bob");
    String room = alice.api().createRoom(new CreateRoom("long", null, null)).join().id();
    bob.api().join(room, null).join();
    for (int i = 0; i < 110; i++) {
      bob.api().post(room, "f-" + i, "filler " + i).join();
    }
    Running client = live.connect(alice);
    client.probe().await("room loaded", 30, c -> settled(c, room));
    assertEquals(50, (int) client.probe().read(c -> room(c, room).entries().size()), "the latest page");
    assertTrue((boolean) client.probe().read(c -> room(c, room).hasOlder()));

    client.probe().run(c -> c.loadOlder(room));
    client.probe().await("a page older", 30, c -> room(c, room).entries().size() == 100 && !room(c, room).loadingOlder());
    assertTrue((boolean) client.probe().read(c -> room(c, room).hasOlder()));
    client.probe().run(c -> c.loadOlder(room));
    client.probe().await("back to the first entry", 30, c -> !room(c, room).hasOlder() && !room(c, room).loadingOlder());

    assertEquals(1L, (long) client.probe().read(c -> room(c, room).floor()));
    assertEquals(stored(alice, room), client.probe().read(c -> held(c, room)), "every page, none twice, none missing");
  }

  @Test
  void aSendIsPendingUntilAckedAndTheAckPutsItInPlaceOnce() throws Exception {
    User alice = live.user("alice");
    User bob = live.user("bob");
    String room = alice.api().createRoom(new CreateRoom("sends", null, null)).join().id();
    bob.api().join(room, null).join();
    Running client = live.connect(alice);
    client.probe().await("room loaded", 30, c -> settled(c, room));

    CompletableFuture<CompletableFuture<Message>> sending = new CompletableFuture<>();
    client.probe().run(c -> sending.complete(c.send(room, "hello")));
    Message acked = sending.get(10, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
    client.probe().await("settled", 30, c -> settled(c, room) && c.owed() == 0);

    Message stored = timeline(alice, room).stream().filter(m -> "hello".equals(m.text())).findFirst().orElseThrow();
    assertEquals(stored.seq(), acked.seq(), "the ack names the stored seq");
    List<ClientFrame.Send> sends = client.probe().read(c -> client.link().sent.stream()
        .filter(f -> f instanceof ClientFrame.Send).map(f -> (ClientFrame.Send) f).toList());
    assertEquals(List.of(stored.clientMsgId()), sends.stream().map(ClientFrame.Send::clientMsgId).toList());
    assertEquals(stored(alice, room), client.probe().read(c -> held(c, room)), "the message frame after the ack adds nothing");
  }

  @Test
  void editsDeletesAndReactionsReachEveryClientAndReadTheSameFromHistory() throws Exception {
    User alice = live.user("alice");
    User bob = live.user("bob");
    String room = alice.api().createRoom(new CreateRoom("changes", null, null)).join().id();
    bob.api().join(room, null).join();
    Running author = live.connect(alice);
    Running reader = live.connect(bob);
    author.probe().await("room loaded", 30, c -> settled(c, room));
    reader.probe().await("room loaded", 30, c -> settled(c, room));

    author.probe().run(c -> c.send(room, "draft"));
    author.probe().run(c -> c.send(room, "keep me"));
    reader.probe().await("both", 30, c -> texts(c, room).containsAll(List.of("draft", "keep me")));
    author.probe().await("acked", 30, c -> settled(c, room));
    long draft = author.probe().read(c -> room(c, room).entries().stream()
        .filter(m -> "draft".equals(m.text())).findFirst().orElseThrow().seq());
    long keep = draft + 1;

    author.probe().run(c -> c.messages().edit("kept, edited")); // the last own message: "keep me"
    author.probe().run(c -> c.messages().delete(draft));
    reader.probe().run(c -> c.switchTo(room));
    reader.probe().run(c -> c.messages().react(keep, "👍"));
    for (Running who : List.of(author, reader)) {
      who.probe().await("edit, delete and reaction applied", 30, c -> {
        RoomState r = room(c, room);
        return r.entry(keep).map(r::current).map(m -> "kept, edited".equals(m.text())).orElse(false)
            && r.entry(draft).map(r::current).map(m -> Boolean.TRUE.equals(m.deleted())).orElse(false)
            && r.reactionsOf(keep).size() == 1;
      });
    }
    assertEquals(Map.of("👍", 1), reader.probe().read(c -> room(c, room).reactionsOf(keep)));

    Running fresh = live.connect(alice); // another device: it reads all of this from history
    fresh.probe().await("room loaded", 30, c -> settled(c, room));
    for (Running who : List.of(author, reader, fresh)) {
      RoomState r = who.probe().read(c -> room(c, room));
      assertEquals("kept, edited", who.probe().read(c -> r.current(r.entry(keep).orElseThrow()).text()));
      assertEquals(Boolean.TRUE, who.probe().read(c -> r.current(r.entry(draft).orElseThrow()).deleted()));
      assertEquals(Map.of("👍", 1), who.probe().read(c -> r.reactionsOf(keep)));
    }
  }

  @Test
  void joinsAndKicksReachTheMemberListAndTheKickedClientDropsTheRoom() throws Exception {
    User alice = live.user("alice");
    User carol = live.user("carol");
    String room = alice.api().createRoom(new CreateRoom("members", null, null)).join().id();
    String home = carol.api().createRoom(new CreateRoom("home", null, null)).join().id();
    Running owner = live.connect(alice);
    owner.probe().await("room loaded", 30, c -> settled(c, room));

    carol.api().join(room, null).join();
    owner.probe().await("carol joined", 30, c -> room(c, room).members().contains(carol.name()));
    Running kicked = live.connect(carol);
    kicked.probe().await("room loaded", 30, c -> settled(c, room));
    kicked.probe().run(c -> c.switchTo(home));

    alice.api().moderate(room, "kick", new Moderation(carol.name(), "spam")).join();
    owner.probe().await("carol gone from the list", 30, c -> !room(c, room).members().contains(carol.name()));
    kicked.probe().await("the room dropped", 30, c -> c.state().room(room).isEmpty());
    List<String> said = kicked.probe().read(c -> room(c, home).notices().stream().map(Notice::text).toList());
    assertTrue(said.stream().anyMatch(t -> t.contains("kicked")), said.toString());
    assertEquals(stored(alice, room), owner.probe().read(c -> held(c, room)));
  }
}
