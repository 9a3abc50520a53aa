package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestNode;

/**
 * Reports (v1.4) over real HTTP: members report what they read, once each; the owner and admins see the queue with
 * each message as it is now and resolve it by dismissing, deleting, kicking or banning; nobody else sees it, and the
 * reported sender learns nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsTest {
  private static final String NOBODYS = "zz0zz0zz0zz0";
  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start(ConfigFactory.parseString(
        "parley.limits.reports-per-window = 6, parley.reports.max-open-per-room = 7"));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static long say(ApiClient who, String room, String id, String text) {
    ApiClient.Reply r = who.post("/api/v1/rooms/" + room + "/messages",
        "{\"clientMsgId\":\"" + id + "\",\"text\":\"" + text + "\"}");
    assertEquals(201, r.status(), r.toString());
    return r.body().get("seq").asLong();
  }

  private static ApiClient.Reply report(ApiClient who, String room, long seq, String reason) {
    return who.post("/api/v1/rooms/" + room + "/messages/" + seq + "/report",
        reason == null ? null : "{\"reason\":\"" + reason + "\"}");
  }

  private static JsonNode queue(ApiClient who, String room) {
    ApiClient.Reply q = who.get("/api/v1/rooms/" + room + "/reports");
    assertEquals(200, q.status(), q.toString());
    return q.body().get("reports");
  }

  @Test
  void membersReportOnceTheAdminsSeeTheQueueAndEachResolutionActs() {
    ApiClient olga = node.client().newUser("olga");
    ApiClient pete = node.client().newUser("pete");
    ApiClient quin = node.client().newUser("quin");
    ApiClient spam = node.client().newUser("spam");
    String room = olga.createRoom("{\"name\":\"town " + olga.username + "\"}");
    for (ApiClient m : new ApiClient[] {pete, quin, spam}) {
      assertEquals(200, m.post("/api/v1/rooms/" + room + "/join", "{}").status());
    }
    long ad = say(spam, room, "s1", "buy cheap watches");
    long rude = say(spam, room, "s2", "you are all fools");
    long fine = say(pete, room, "p1", "morning all");

    ApiClient.Reply first = report(pete, room, ad, "spam");
    assertEquals(201, first.status(), first.toString());
    assertEquals(spam.username, first.body().get("sender").asText());
    assertEquals(pete.username, first.body().get("reporter").asText());
    ApiClient.Reply again = report(pete, room, ad, "spam, again");
    assertEquals(200, again.status(), again.toString());
    assertEquals(first.body().get("id"), again.body().get("id"), "one report per member and message");
    assertEquals(201, report(quin, room, ad, null).status());
    assertEquals(201, report(quin, room, rude, "insults").status());

    // Not one's own message, nor an entry that is no message, nor one past the end.
    assertEquals("invalid_report", report(pete, room, fine, null).code());
    assertEquals("no_such_message", report(pete, room, 1, null).code());
    assertEquals("no_such_message", report(pete, room, 999, null).code());

    // The queue: for the owner, oldest first, with each message as it is now; for members, none of it.
    JsonNode open = queue(olga, room);
    assertEquals(3, open.size(), open.toString());
    assertEquals("buy cheap watches", open.get(0).get("message").get("text").asText());
    assertEquals(403, pete.get("/api/v1/rooms/" + room + "/reports").status());
    assertEquals(403, spam.post("/api/v1/rooms/" + room + "/reports/" + open.get(0).get("id").asText() + "/resolve",
        "{\"action\":\"dismiss\"}").status());

    // Deleting the ad resolves both reports of it; the message is deleted for everyone.
    ApiClient.Reply deleted = olga.post("/api/v1/rooms/" + room + "/reports/" + open.get(0).get("id").asText()
        + "/resolve", "{\"action\":\"delete\"}");
    assertEquals(200, deleted.status(), deleted.toString());
    assertEquals("deleted", deleted.body().get("outcome").asText());
    assertEquals(olga.username, deleted.body().get("resolvedBy").asText());
    JsonNode left = queue(olga, room);
    assertEquals(1, left.size(), left.toString());
    assertEquals(rude, left.get(0).get("seq").asLong());
    boolean gone = false;
    for (JsonNode m : pete.get("/api/v1/rooms/" + room + "/messages").body().get("messages")) {
      gone |= m.get("seq").asLong() == ad && m.path("deleted").asBoolean(false);
    }
    assertTrue(gone, "the reported message is deleted");
    // Resolving it again does nothing twice.
    assertEquals(200, olga.post("/api/v1/rooms/" + room + "/reports/" + open.get(1).get("id").asText() + "/resolve",
        "{\"action\":\"delete\"}").status());

    // Banning the sender resolves the last one; spam is out of the room.
    ApiClient.Reply banned = olga.post("/api/v1/rooms/" + room + "/reports/" + left.get(0).get("id").asText()
        + "/resolve", "{\"action\":\"ban\"}");
    assertEquals(200, banned.status(), banned.toString());
    assertEquals("banned", banned.body().get("outcome").asText());
    assertEquals(0, queue(olga, room).size());
    // Each act is in the server's audit log, with the room.
    parley.node.admin.ServerAdmin admin = parley.node.admin.ServerAdmin.get(node.system);
    var log = admin.auditPage(null, 10).toCompletableFuture().join().stream()
        .filter(e -> room.equals(e.roomId())).toList();
    assertEquals(List.of("resolve_report " + spam.username + " banned (seq " + rude + ")",
        "resolve_report " + spam.username + " deleted (seq " + ad + ")"),
        log.stream().map(e -> e.action() + " " + e.target() + " " + e.detail()).toList());
    assertEquals("banned", spam.post("/api/v1/rooms/" + room + "/join", "{}").code());
    assertEquals("invalid_request", olga.post("/api/v1/rooms/" + room + "/reports/x/resolve",
        "{\"action\":\"shout\"}").code());
    assertEquals("no_such_report", olga.post("/api/v1/rooms/" + room + "/reports/nope/resolve",
        "{\"action\":\"dismiss\"}").code());
  }

  @Test
  void outsidersReportNothingAndLimitsSayTheirNumbers() {
    ApiClient olga = node.client().newUser("olga");
    ApiClient pete = node.client().newUser("pete");
    ApiClient eve = node.client().newUser("eve");
    String hidden = olga.createRoom("{\"name\":\"den " + olga.username + "\",\"visibility\":\"private\"}");
    long seq = say(olga, hidden, "o1", "secret plans");
    ApiClient.Reply outsider = report(eve, hidden, seq, null);
    assertEquals(report(eve, NOBODYS, seq, null).body(), outsider.body());
    assertEquals(404, outsider.status());
    assertEquals(eve.get("/api/v1/rooms/" + NOBODYS + "/reports").body(),
        eve.get("/api/v1/rooms/" + hidden + "/reports").body());

    String room = olga.createRoom("{\"name\":\"hall " + olga.username + "\"}");
    assertEquals(200, pete.post("/api/v1/rooms/" + room + "/join", "{}").status());
    ApiClient.Reply tooLong = report(pete, room, say(olga, room, "o2", "hello"), "x".repeat(301));
    assertEquals("invalid_report", tooLong.code());
    assertTrue(tooLong.body().get("error").get("message").asText().contains("300"), tooLong.toString());
    // 6 reports an hour here (parley.limits.reports-per-window): the seventh is refused with the number.
    for (int i = 0; i < 6; i++) {
      assertEquals(201, report(pete, room, say(olga, room, "m" + i, "line " + i), null).status());
    }
    ApiClient.Reply seventh = report(pete, room, say(olga, room, "m7", "line 7"), null);
    assertEquals(429, seventh.status(), seventh.toString());
    assertEquals("too_many_reports", seventh.code());
    assertTrue(seventh.body().get("error").get("message").asText().contains("6 reports"), seventh.toString());
    // The room holds 7 open reports here (parley.reports.max-open-per-room): quin files the seventh, not an eighth.
    ApiClient quin = node.client().newUser("quin");
    assertEquals(200, quin.post("/api/v1/rooms/" + room + "/join", "{}").status());
    assertEquals(201, report(quin, room, say(olga, room, "q1", "one more"), null).status());
    ApiClient.Reply full = report(quin, room, say(olga, room, "q2", "and another"), null);
    assertEquals(409, full.status(), full.toString());
    assertEquals("room_reports_full", full.code());
    assertTrue(full.body().get("error").get("message").asText().contains("7 reports open"), full.toString());
  }
}
