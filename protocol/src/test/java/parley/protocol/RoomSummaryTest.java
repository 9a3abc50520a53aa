package parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The room list entry as the wire carries it, between servers and clients of either age. */
class RoomSummaryTest {

  @Test
  void anAvailableRoomIsWrittenWithoutTheFieldAndReadBackFromJsonThatLacksIt() throws Exception {
    RoomSummary general = new RoomSummary("k3v9q2m8x1ab", "General", "room", 42, 40, 2);
    String json = Json.mapper().writeValueAsString(general);
    assertEquals("{\"id\":\"k3v9q2m8x1ab\",\"name\":\"General\",\"kind\":\"room\",\"lastSeq\":42,\"readSeq\":40,\"unread\":2,"
        + "\"mentions\":0}", json);
    assertEquals(general, Json.mapper().readValue(json, RoomSummary.class));
    // A v1 server's summary, without v1.1's mentions, reads as none.
    assertEquals(general, Json.mapper().readValue("{\"id\":\"k3v9q2m8x1ab\",\"name\":\"General\",\"kind\":\"room\","
        + "\"lastSeq\":42,\"readSeq\":40,\"unread\":2}", RoomSummary.class));
  }

  @Test
  void anUnavailableRoomCarriesOnlyTheReadMarker() throws Exception {
    String json = Json.mapper().writeValueAsString(RoomSummary.unavailable("k3v9q2m8x1ab", 40));
    assertEquals("{\"id\":\"k3v9q2m8x1ab\",\"name\":null,\"kind\":null,\"lastSeq\":40,\"readSeq\":40,\"unread\":0,"
        + "\"unavailable\":true,\"mentions\":0}", json);
    assertEquals(RoomSummary.unavailable("k3v9q2m8x1ab", 40), Json.mapper().readValue(json, RoomSummary.class));
  }
}
