package parley.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {
  static final String MESSAGE = "{\"type\":\"message\",\"room\":\"k3v9q2m8x1ab\",\"seq\":43,\"kind\":\"message\","
      + "\"sender\":\"alice\",\"text\":\"hello\",\"sentAt\":\"2025-03-14T09:26:53.589Z\","
      + "\"clientMsgId\":\"1741944413589123-17-4\"}";

  @Test
  void readsFieldsOfAMessageFrame() {
    assertEquals("message", Frames.str(MESSAGE, "type"));
    assertEquals("k3v9q2m8x1ab", Frames.str(MESSAGE, "room"));
    assertEquals(43, Frames.num(MESSAGE, "seq"));
    assertEquals(1741944413589123L, Frames.scheduledMicros(Frames.str(MESSAGE, "clientMsgId")));
    assertEquals(1741944413589123L, Frames.scheduledMicrosOf(MESSAGE));
    assertEquals(43, Frames.numAt(MESSAGE, Frames.SEQ, 0));
    assertEquals("k3v9q2m8x1ab", Frames.strAt(MESSAGE, Frames.ROOM, 0));
    assertEquals(-1, Frames.num(MESSAGE, "nothing"));
    assertNull(Frames.str(MESSAGE, "nothing"));
  }

  @Test
  void nullAndForeignClientMsgIds() {
    String joined = "{\"type\":\"message\",\"room\":\"r\",\"seq\":2,\"kind\":\"joined\",\"sender\":\"bob\","
        + "\"text\":null,\"sentAt\":\"2025-03-14T09:27:02.110Z\",\"clientMsgId\":null}";
    assertNull(Frames.str(joined, "clientMsgId"));
    assertEquals(-1, Frames.scheduledMicrosOf(joined));
    assertEquals(-1, Frames.scheduledMicros(null));
    assertEquals(-1, Frames.scheduledMicros("away-r-1"));
  }

  @Test
  void readsHelloRooms() {
    String hello = "{\"type\":\"hello\",\"username\":\"alice\",\"rooms\":["
        + "{\"id\":\"dm:alice:bob\",\"name\":\"alice, bob\",\"kind\":\"dm\",\"lastSeq\":7,\"readSeq\":7,\"unread\":0},"
        + "{\"id\":\"k3v9q2m8x1ab\",\"name\":\"General\",\"kind\":\"room\",\"lastSeq\":42,\"readSeq\":40,\"unread\":2}]}";
    assertEquals(List.of(new Frames.RoomSeq("dm:alice:bob", 7), new Frames.RoomSeq("k3v9q2m8x1ab", 42)),
        Frames.helloRooms(hello));
    assertEquals(List.of(), Frames.helloRooms("{\"type\":\"hello\",\"username\":\"a\",\"rooms\":[]}"));
  }

  @Test
  void readsHistoryPages() {
    String page = "{\"messages\":[" + MESSAGE.replace("\"type\":\"message\",", "") + ","
        + MESSAGE.replace("\"type\":\"message\",", "").replace("\"seq\":43", "\"seq\":44") + "],\"hasMore\":true}";
    assertArrayEquals(new long[] {43, 44}, Frames.pageSeqs(page));
    assertTrue(Frames.pageHasMore(page));
    assertFalse(Frames.pageHasMore("{\"messages\":[],\"hasMore\":false}"));
    assertArrayEquals(new long[0], Frames.pageSeqs("{\"messages\":[],\"hasMore\":false}"));
  }

  @Test
  void quotes() {
    assertEquals("\"a\\\"b\\\\c\"", Frames.quote("a\"b\\c"));
  }
}
