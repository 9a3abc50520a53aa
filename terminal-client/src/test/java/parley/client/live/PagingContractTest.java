package parley.client.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.client.core.FakeServer;
import parley.client.live.LiveNode.Running;
import parley.client.live.LiveNode.User;
import parley.client.net.ApiException;
import parley.client.net.ParleyApi;
import parley.protocol.CreateRoom;
import parley.protocol.Message;
import parley.protocol.MessagePage;
import parley.protocol.Room;

/**
 * {@code FakeServer} answers the client's tests in place of a node: here the same room is built on both and the
 * same reads go to both, and their answers must agree in everything but ids and times. A fake that drifts from the
 * node (docs/protocol.md is the contract; the node keeps it) fails here, not in a user's terminal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagingContractTest {
  private static final int POSTS = 12;

  private LiveNode live;
  private User alice;
  private User bob;
  private String nodeRoom;
  private FakeServer fake;

  @BeforeAll
  void buildTheSameRoomOnBoth() throws Exception {
    live = LiveNode.start();
    alice = live.user("alice");
    bob = live.user("bob");
    nodeRoom = alice.api().createRoom(new CreateRoom("contract", null, null)).join().id();
    bob.api().join(nodeRoom, null).join();
    for (int i = 1; i <= POSTS; i++) {
      bob.api().post(nodeRoom, "b-" + i, "post " + i).join();
    }
    Running bobs = live.connect(bob);
    bobs.probe().await("room loaded", 30, c -> LiveNode.settled(c, nodeRoom));
    bobs.probe().run(c -> c.switchTo(nodeRoom));
    bobs.probe().run(c -> c.messages().edit("post 12, edited"));
    bobs.probe().run(c -> c.messages().react(3, "👍"));
    bobs.probe().await("edit and reaction stored", 30, c -> c.state().room(nodeRoom).orElseThrow().lastSeq() == 16);

    fake = new FakeServer(alice.name());
    fake.room("fake", "contract", "room", alice.name(), bob.name());
    fake.joined("fake", alice.name());
    fake.joined("fake", bob.name());
    for (int i = 1; i <= POSTS; i++) {
      fake.postWithId("fake", bob.name(), "post " + i, "b-" + i);
    }
    fake.changes("fake", Message.KIND_EDIT, bob.name(), 14, "post 12, edited");
    fake.reacts("fake", bob.name(), 3, "👍", true);
  }

  @AfterAll
  void stopNode() throws Exception {
    live.close();
  }

  /** A page as the client reads it, without what differs by nature (room id, times, the ids of edits). */
  private static String shape(MessagePage page) {
    List<String> lines = new ArrayList<>();
    for (Message m : page.messages()) {
      lines.add(m.seq() + " " + m.kind() + " " + m.sender() + " " + m.text()
          + (Message.KIND_MESSAGE.equals(m.kind()) ? " id=" + m.clientMsgId() : "")
          + (m.mentions() == null || m.mentions().isEmpty() ? "" : " mentions=" + m.mentions())
          + (m.target() == null ? "" : " target=" + m.target())
          + (m.emoji() == null ? "" : " emoji=" + m.emoji() + " on=" + m.on())
          + (m.editedAt() == null ? "" : " edited")
          + (m.deleted() == null ? "" : " deleted=" + m.deleted())
          + (m.reactions() == null || m.reactions().isEmpty() ? "" : " reactions=" + m.reactions()));
    }
    return String.join("\n", lines) + "\nhasMore=" + page.hasMore() + " trimmed=" + page.trimmed()
        + " floorSeq=" + page.floorSeq();
  }

  private static String answer(CompletableFuture<MessagePage> call) throws Exception {
    try {
      return shape(call.get(30, TimeUnit.SECONDS));
    } catch (ExecutionException e) {
      ApiException refused = ApiException.of(e.getCause());
      return refused.status() + " " + refused.code() + " lastSeq=" + refused.lastSeq();
    }
  }

  private void same(String read, BiFunction<ParleyApi, String, CompletableFuture<MessagePage>> call) throws Exception {
    assertEquals(answer(call.apply(alice.api(), nodeRoom)), answer(call.apply(fake, "fake")), read);
  }

  @Test
  void theLatestPageAgrees() throws Exception {
    same("latest 5", (api, room) -> api.latest(room, 5));
    same("latest 50 (all of it)", (api, room) -> api.latest(room, 50));
  }

  @Test
  void pagesBackAgree() throws Exception {
    same("before 16, 5", (api, room) -> api.before(room, 16, 5));
    same("before 6, 5", (api, room) -> api.before(room, 6, 5));
    same("before 3, 5", (api, room) -> api.before(room, 3, 5));
    same("before 1, 5", (api, room) -> api.before(room, 1, 5));
  }

  @Test
  void pagesForwardAndACursorPastTheEndAgree() throws Exception {
    same("after 0, 5", (api, room) -> api.after(room, 0, 5));
    same("after 9, 5", (api, room) -> api.after(room, 9, 5));
    same("after 12, 10", (api, room) -> api.after(room, 12, 10));
    same("after 16, 5 (the end)", (api, room) -> api.after(room, 16, 5));
    same("after 17, 5 (past the end)", (api, room) -> api.after(room, 17, 5));
  }

  @Test
  void theRoomAgrees() throws Exception {
    Room node = alice.api().room(nodeRoom).get(30, TimeUnit.SECONDS);
    Room faked = fake.room("fake").get(30, TimeUnit.SECONDS);
    assertEquals(List.of(node.kind(), node.owner(), node.lastSeq(), node.members().stream().map(m -> m.username()).sorted().toList()),
        List.of(faked.kind(), faked.owner(), faked.lastSeq(), faked.members().stream().map(m -> m.username()).sorted().toList()));
    same("an unknown room", (api, room) -> api.latest(room + "-none", 5));
  }
}
