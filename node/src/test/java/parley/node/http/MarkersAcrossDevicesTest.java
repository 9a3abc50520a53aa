package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.WsClient;

/**
 * A mention read on the laptop is read on the phone: the read marker's move reaches every connection of the user as
 * a {@code marker} frame, and the notification it passed is read in the inbox and in the next hello's count.
 */
class MarkersAcrossDevicesTest extends OnOneNode {
  @Test
  void aMentionReadOnTheLaptopIsReadOnThePhone() {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    String room = alice.createRoom("{\"name\":\"ops " + alice.username + "\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", null).status());
    try (WsClient laptop = WsClient.connect(node.http(), alice.token);
        WsClient phone = WsClient.connect(node.http(), alice.token)) {
      laptop.awaitType("hello");
      phone.awaitType("hello");
      long seq = bob.post("/api/v1/rooms/" + room + "/messages",
          "{\"clientMsgId\":\"m1\",\"text\":\"@" + alice.username + " the deploy is done\"}").body().get("seq").asLong();
      phone.await(f -> "notification".equals(f.path("type").asText()));
      assertEquals(1, unread(alice));

      laptop.send("{\"type\":\"read\",\"room\":\"" + room + "\",\"seq\":" + seq + "}");
      for (WsClient device : List.of(phone, laptop)) {
        JsonNode marker = device.await(f -> "marker".equals(f.path("type").asText()));
        assertEquals(room, marker.get("room").asText());
        assertEquals(seq, marker.get("readSeq").asLong());
      }
      assertEquals(0, unread(alice), "the inbox reads it as the room's marker does");
    }
    try (WsClient tablet = WsClient.connect(node.http(), alice.token)) {
      assertEquals(0, tablet.awaitType("hello").path("notifications").asLong());
    }
  }

  private static long unread(ApiClient user) {
    long n = 0;
    for (JsonNode item : user.get("/api/v1/me/notifications").body().get("notifications")) {
      n += item.get("read").asBoolean() ? 0 : 1;
    }
    return n;
  }
}
