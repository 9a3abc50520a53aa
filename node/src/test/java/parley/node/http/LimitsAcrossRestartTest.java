package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;

/**
 * Limits whose windows are longer than an entity stays in memory hold across its end: rooms created an hour, wrong
 * passcodes in 15 minutes. Once they were kept by the room and the user's entity and started over when a room sat idle
 * for two minutes; here the whole node stops and starts again on its database, which ends every entity at once.
 */
class LimitsAcrossRestartTest {
  @Test
  void roomsCreatedAndWrongPasscodesAreStillCountedAfterTheNodeStartsAgain() {
    Config data = TestDatabase.config(TestDatabase.url())
        .withFallback(ConfigFactory.parseString("parley.limits.rooms-per-window = 3"));
    ApiClient flooder;
    ApiClient guesser;
    String vault;
    try (TestNode node = TestNode.start(data)) {
      flooder = node.client().newUser("flooder");
      for (int i = 0; i < 3; i++) {
        flooder.createRoom("{\"name\":\"flood " + i + "\"}");
      }
      assertEquals("too_many_rooms", flooder.post("/api/v1/rooms", "{\"name\":\"one more\"}").code());
      ApiClient owner = node.client().newUser("owner");
      vault = owner.createRoom("{\"name\":\"vault\",\"passcode\":\"opensesame\"}");
      guesser = node.client().newUser("guesser");
      for (int i = 0; i < 5; i++) {
        assertEquals("wrong_passcode", guesser.post("/api/v1/rooms/" + vault + "/join",
            "{\"passcode\":\"guess" + i + "\"}").code());
      }
    }
    try (TestNode node = TestNode.start(data)) {
      ApiClient flooderAgain = new ApiClient(node.http()).withToken(flooder.token);
      ApiClient.Reply refused = flooderAgain.post("/api/v1/rooms", "{\"name\":\"after a restart\"}");
      assertEquals(429, refused.status(), refused.toString());
      assertEquals("too_many_rooms", refused.code());
      assertTrue(refused.body().get("error").get("message").asText().contains("3 rooms in the last 1 hour"),
          refused.toString());

      ApiClient guesserAgain = new ApiClient(node.http()).withToken(guesser.token);
      ApiClient.Reply held = guesserAgain.post("/api/v1/rooms/" + vault + "/join", "{\"passcode\":\"guess5\"}");
      if (held.status() != 429) {
        // The 1 s wait after the fifth may have passed in the restart: this sixth is checked, and counted.
        assertEquals("wrong_passcode", held.code(), held.toString());
        held = guesserAgain.post("/api/v1/rooms/" + vault + "/join", "{\"passcode\":\"opensesame\"}");
      }
      assertEquals(429, held.status(), "the wrong ones before the restart still count: " + held);
      assertEquals("rate_limited", held.code());
    }
  }
}
