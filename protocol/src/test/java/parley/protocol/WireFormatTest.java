package parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire shapes protocol.md promises, byte for byte where it says so. */
class WireFormatTest {

  @Test
  void timesAlwaysCarryThreeDigitsOfMilliseconds() throws Exception {
    String json = Json.mapper().writeValueAsString(new ServerFrame.Ack("c1", "r", 1, Instant.parse("2025-03-14T09:26:53Z")));
    assertEquals("{\"type\":\"ack\",\"clientMsgId\":\"c1\",\"room\":\"r\",\"seq\":1,\"sentAt\":\"2025-03-14T09:26:53.000Z\"}", json);
  }

  @Test
  void anErrorBodyCarriesLastSeqOnlyWhereItApplies() throws Exception {
    assertEquals("{\"error\":{\"code\":\"no_such_room\",\"message\":\"there is no such room\"}}",
        Json.mapper().writeValueAsString(ErrorBody.of("no_such_room", "there is no such room")));
    String ahead = Json.mapper().writeValueAsString(ErrorBody.cursorAhead(9, 5));
    assertEquals(5, Json.mapper().readTree(ahead).get("error").get("lastSeq").asLong());
    assertEquals("cursor_ahead", Json.mapper().readTree(ahead).get("error").get("code").asText());
  }

  @Test
  void aResetFrameNamesTheRoomAndWhereItsTimelineEnds() throws Exception {
    String json = Json.mapper().writeValueAsString(ServerFrame.Reset.cursorAhead("k3v9q2m8x1ab", 9, 5));
    ServerFrame back = Json.mapper().readValue(json, ServerFrame.class);
    ServerFrame.Reset reset = assertInstanceOf(ServerFrame.Reset.class, back);
    assertEquals("k3v9q2m8x1ab", reset.room());
    assertEquals(5, reset.lastSeq());
    assertEquals("cursor_ahead", reset.code());
    assertEquals("reset", Json.mapper().readTree(json).get("type").asText());
  }

  @Test
  void wrongTypesAndRepeatedKeysAreRefusedNotCoerced() {
    for (String json : List.of(
        "{\"username\":12345,\"password\":\"correct horse\"}",
        "{\"username\":true,\"password\":\"correct horse\"}",
        "{\"username\":\"a\",\"password\":\"x\",\"username\":\"b\"}")) {
      assertThrows(JsonProcessingException.class, () -> Json.mapper().readValue(json, Credentials.class), json);
    }
    assertThrows(JsonProcessingException.class, () -> Json.mapper().readValue("{\"name\":\"x\",\"capacity\":2.9}", CreateRoom.class));
    assertThrows(JsonProcessingException.class, () -> Json.mapper().readValue("{\"name\":\"x\",\"capacity\":\"10\"}", CreateRoom.class));
    assertThrows(JsonProcessingException.class, () -> Json.mapper().readValue("{\"type\":\"read\",\"room\":\"r\",\"seq\":1.5}", ClientFrame.class));
    assertThrows(JsonProcessingException.class, () -> Json.mapper().readValue("{\"type\":\"send\",\"room\":\"r\",\"clientMsgId\":\"c\",\"text\":5}", ClientFrame.class));
    assertThrows(JsonProcessingException.class, () -> Json.mapper().readValue("{\"type\":\"ping\",\"type\":\"send\"}", ClientFrame.class));
  }

  @Test
  void wellTypedFramesStillRead() throws Exception {
    assertEquals(new ClientFrame.Read("r", 2L), Json.mapper().readValue("{\"type\":\"read\",\"room\":\"r\",\"seq\":2}", ClientFrame.class));
    assertEquals(new CreateRoom("x", null, 10), Json.mapper().readValue("{\"name\":\"x\",\"capacity\":10}", CreateRoom.class));
  }

  @Test
  void aSearchAnswerReadsAsTheContractShowsItAndWritesBackTheSame() throws Exception {
    String json = "{\"hits\":[{\"room\":{\"id\":\"r1\",\"name\":\"general\",\"kind\":\"room\"},\"seq\":42,"
        + "\"sender\":\"bob\",\"sentAt\":\"2025-03-14T09:02:00.000Z\",\"text\":\"the deploy failed\","
        + "\"highlights\":[[4,10],[11,17]]}],\"next\":\"c2\",\"indexedThrough\":{\"r1\":57}}";
    SearchResults results = Json.mapper().readValue(json, SearchResults.class);
    SearchResults.Hit hit = results.hits().get(0);
    assertEquals(new SearchResults.RoomRef("r1", "general", "room"), hit.room());
    assertEquals(42, hit.seq());
    assertEquals(Instant.parse("2025-03-14T09:02:00Z"), hit.sentAt());
    assertEquals(List.of(new SearchResults.Highlight(4, 10), new SearchResults.Highlight(11, 17)), hit.highlights());
    assertEquals("c2", results.next());
    assertEquals(57L, results.indexedThrough().get("r1"));
    assertEquals(Json.mapper().readTree(json), Json.mapper().readTree(Json.mapper().writeValueAsString(results)));
    SearchResults last = Json.mapper().readValue("{\"hits\":[],\"next\":null,\"indexedThrough\":{}}",
        SearchResults.class);
    assertEquals(List.of(), last.hits());
    assertEquals(null, last.next());
  }
}
