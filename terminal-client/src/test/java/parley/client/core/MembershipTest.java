package parley.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.client.net.ParleyApi;
import parley.protocol.ClientFrame;
import parley.protocol.Message;
import parley.protocol.ServerFrame;

/** v1.2: the room list follows what any device of the user does: room_added and room_left. */
class MembershipTest {
  private final FakeServer server = new FakeServer("alice");
  private final FakeLink link = new FakeLink();
  private final DirectScheduler scheduler = new DirectScheduler();
  private ChatClient client;

  @BeforeEach
  void setUp() {
    server.room("r1", "general", "room", "alice", "bob");
    server.room("r2", "random", "room", "alice", "bob");
    server.room("r3", "support", "room", "alice", "bob");
    for (String room : List.of("r1", "r2", "r3")) {
      server.joined(room, "alice");
      server.says(room, "bob", "hello in " + room);
    }
  }

  private void start(ParleyApi api) {
    client = new ChatClient("alice", api, link, scheduler, ChatClient.Options.interactive(),
        Clock.fixed(server.now(), ZoneOffset.UTC));
    client.start();
    link.hello("alice", server.summary("r1", 2), server.summary("r2", 2));
  }

  private List<String> notices() {
    return client.state().rooms().stream().flatMap(r -> r.notices().stream()).map(Notice::text).toList();
  }

  @Test
  void aRoomJoinedOnAnotherDeviceJoinsTheListAndLoadsWithoutTakingTheView() {
    start(server);
    client.switchTo("r2");
    link.frame(new ServerFrame.RoomAdded(server.summary("r3", 2)));
    RoomState added = client.state().room("r3").orElseThrow();
    assertEquals("#support", added.displayName("alice"), "named from the frame, before any entry of it");
    assertTrue(added.loaded(), "its history is read: " + server.calls);
    assertEquals(List.of("alice", "bob"), List.copyOf(added.members()));
    assertEquals("r2", client.state().current().orElseThrow().id(), "the room in view stays in view");
    assertEquals(List.of("#general", "#random", "#support"),
        client.state().ordered().stream().map(r -> r.displayName("alice")).toList());

    // Its entries come on the socket from the join on: held once.
    link.frame(server.says("r3", "bob", "welcome"));
    assertEquals(1, added.entries().stream().filter(m -> "welcome".equals(m.text())).count());
  }

  @Test
  void aRoomAddedWhileNoneIsInViewComesIntoView() {
    client = new ChatClient("alice", server, link, scheduler, ChatClient.Options.interactive(),
        Clock.fixed(server.now(), ZoneOffset.UTC));
    client.start();
    link.hello("alice");
    link.frame(new ServerFrame.RoomAdded(server.summary("r3", 2)));
    assertEquals("r3", client.state().current().orElseThrow().id());
    assertTrue(link.sent.contains(new ClientFrame.Focus("r3")), link.sent.toString());
  }

  @Test
  void aRoomLeftOnAnotherDeviceGoesAndTheViewMovesToTheRoomThatTookItsPlace() {
    start(server);
    link.frame(new ServerFrame.RoomAdded(server.summary("r3", 2)));
    client.switchTo("r2");
    client.send("r2", "half sent"); // goes with the room: it can no longer be sent there
    link.sent.clear();

    link.frame(new ServerFrame.RoomLeft("r2"));
    assertTrue(client.state().room("r2").isEmpty());
    RoomState inView = client.state().current().orElseThrow();
    assertEquals("r3", inView.id(), "the next room in the list, not the first");
    assertEquals(List.of("You left #random on another device."), inView.notices().stream().map(Notice::text).toList());
    assertTrue(link.sent.contains(new ClientFrame.Focus("r3")), "the server knows what is in view: " + link.sent);
    assertEquals(0, client.owed());

    link.frame(new ServerFrame.RoomLeft("r3")); // the last of the list: the one above it comes into view
    assertEquals("r1", client.state().current().orElseThrow().id());

    link.frame(new ServerFrame.RoomLeft("r9")); // never held: nothing to do
    assertEquals(List.of("r1"), client.state().rooms().stream().map(RoomState::id).toList());
  }

  @Test
  void aRoomLeftThatIsNotInViewJustGoesWithALine() {
    start(server);
    link.frame(new ServerFrame.RoomLeft("r2"));
    assertEquals("r1", client.state().current().orElseThrow().id());
    assertEquals(List.of("You left #random on another device."), notices());
  }

  @Test
  void leavingHereIsNotLeavingOnAnotherDeviceWhicheverComesFirst() {
    HeldCalls held = new HeldCalls(server, "leave");
    start(held.api());
    client.rooms().leave();
    link.frame(new ServerFrame.RoomLeft("r1")); // the server's frame before its answer to the call
    assertTrue(client.state().room("r1").isPresent(), "gone once the call is answered");
    held.release("leave");
    assertTrue(client.state().room("r1").isEmpty());
    assertEquals(List.of("You left #general."), notices());

    client.rooms().leave(); // now the answer comes first, and the frame finds the room gone
    link.frame(new ServerFrame.RoomLeft("r2"));
    assertFalse(notices().stream().anyMatch(n -> n.contains("another device")), notices().toString());
  }

  @Test
  void aDmOrGroupDmRaisesNoActivityForItsJoinsButARoomStillDoes() {
    server.room("g1", "alice, bob, carol", "group", "alice", "bob", "carol");
    server.joined("g1", "bob");
    server.joined("g1", "alice");
    start(server);
    link.frame(new ServerFrame.RoomAdded(server.summary("g1", 2)));
    link.frame(server.joined("g1", "carol"));
    assertEquals(Activity.NONE, client.state().room("g1").orElseThrow().activity());
    link.frame(server.joined("r2", "carol"));
    assertEquals(Activity.LOW, client.state().room("r2").orElseThrow().activity());
    assertEquals(Message.KIND_JOINED, client.state().room("g1").orElseThrow().entry(3).orElseThrow().kind());
  }
}
