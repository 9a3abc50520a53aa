package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.OnOneNode;

/**
 * Search as its users meet it, over real HTTP on a real node: what is sent is found within a bound, an edit by its
 * latest words, and nothing of a room one has left or been kicked from, a deleted message, a deleted room or what
 * retention removed; the answer names each room and how far it is indexed.
 */
class SearchTest extends OnOneNode {

  static String word() {
    return "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  static ApiClient.Reply search(ApiClient user, String query) {
    return user.get("/api/v1/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
  }

  static List<JsonNode> hits(ApiClient user, String query) {
    ApiClient.Reply reply = search(user, query);
    assertEquals(200, reply.status(), reply.toString());
    List<JsonNode> hits = new ArrayList<>();
    reply.body().get("hits").forEach(hits::add);
    return hits;
  }

  /**
   * Waits until the search's hits satisfy {@code condition}: a bound far above the lag measured (printed by the first
   * test), not the goal; a feed that meets a gap in the journal waits 5 s before it reads past it.
   */
  void awaitHits(ApiClient user, String query, Predicate<List<JsonNode>> condition, String what) {
    Eventually.await("search '" + query + "': " + what, () -> {
      List<JsonNode> hits = hits(user, query);
      assertTrue(condition.test(hits), what + ": " + hits);
      return null;
    });
  }

  static long post(ApiClient user, String room, String text) {
    ApiClient.Reply r = user.post("/api/v1/rooms/" + room + "/messages",
        "{\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"text\":\"" + text + "\"}");
    assertEquals(201, r.status(), r.toString());
    return r.body().get("seq").asLong();
  }

  @Test
  void aMessageIsFoundSoonAfterItsAckWithItsRoomSenderHighlightsAndHowFarItsRoomIsIndexed() {
    ApiClient alice = node.client().newUser("alice");
    String room = alice.createRoom("{\"name\":\"planning " + alice.username + "\"}");
    List<Long> lags = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String w = word();
      long seq = post(alice, room, "the quarterly " + w + " is ready");
      long acked = System.nanoTime();
      awaitHits(alice, w, hits -> hits.size() == 1 && hits.get(0).get("seq").asLong() == seq, "the message");
      lags.add((System.nanoTime() - acked) / 1_000_000);
    }
    Collections.sort(lags);
    System.out.println("search lag, acked -> findable over HTTP, ms (" + System.getProperty("parley.test.db", "h2")
        + "): median " + lags.get(lags.size() / 2) + ", max " + lags.get(lags.size() - 1) + ", all " + lags);
    String w = word();
    long seq = post(alice, room, "Quarterly numbers: " + w);
    awaitHits(alice, w, hits -> hits.size() == 1, "found");
    ApiClient.Reply reply = search(alice, w);
    JsonNode hit = reply.body().get("hits").get(0);
    assertEquals(room, hit.get("room").get("id").asText());
    assertEquals("planning " + alice.username, hit.get("room").get("name").asText());
    assertEquals("room", hit.get("room").get("kind").asText());
    assertEquals(seq, hit.get("seq").asLong());
    assertEquals(alice.username, hit.get("sender").asText());
    assertEquals("Quarterly numbers: " + w, hit.get("text").asText());
    assertTrue(hit.get("sentAt").asText().endsWith("Z"), hit.toString());
    JsonNode first = hit.get("highlights").get(0);
    assertEquals(w, hit.get("text").asText().substring(first.get(0).asInt(), first.get(1).asInt()));
    assertTrue(reply.body().has("next"), "next is always there (null on the last page)");
    assertTrue(reply.body().get("indexedThrough").get(room).asLong() >= seq, reply.toString());
  }

  @Test
  void anEditedMessageIsFoundByItsLatestWordsOnlyAndADeletedOneNotAtAll() {
    ApiClient alice = node.client().newUser("alice");
    String room = alice.createRoom("{\"name\":\"edits " + alice.username + "\"}");
    String before = word();
    String after = word();
    String gone = word();
    long seq = post(alice, room, "meet at " + before);
    long deleted = post(alice, room, "secret " + gone);
    awaitHits(alice, gone, hits -> hits.size() == 1, "the one to delete");
    assertEquals(200, alice.patch("/api/v1/rooms/" + room + "/messages/" + seq, "{\"text\":\"meet at " + after + "\"}")
        .status());
    assertEquals(200, alice.method("DELETE", "/api/v1/rooms/" + room + "/messages/" + deleted).status());
    awaitHits(alice, after, hits -> hits.size() == 1 && hits.get(0).get("seq").asLong() == seq, "the latest text");
    awaitHits(alice, before, List::isEmpty, "the first text");
    awaitHits(alice, gone, List::isEmpty, "the deleted message");
  }

  @Test
  void whoLeftWasKickedOrBannedFindsNothingThereAndWhoWasNeverInFindsNothingEvenByItsId() {
    ApiClient owner = node.client().newUser("owner");
    ApiClient leaver = node.client().newUser("leaver");
    ApiClient kicked = node.client().newUser("kicked");
    ApiClient banned = node.client().newUser("banned");
    ApiClient outsider = node.client().newUser("outsider");
    String room = owner.createRoom("{\"name\":\"team " + owner.username + "\"}");
    for (ApiClient u : List.of(leaver, kicked, banned)) {
      assertEquals(200, u.post("/api/v1/rooms/" + room + "/join", "{}").status());
    }
    String w = word();
    post(owner, room, "launch plan " + w);
    for (ApiClient u : List.of(owner, leaver, kicked, banned)) {
      awaitHits(u, w, hits -> hits.size() == 1, u.username + " finds it as a member");
    }
    assertEquals(204, leaver.post("/api/v1/rooms/" + room + "/leave", "{}").status());
    assertEquals(200, owner.post("/api/v1/rooms/" + room + "/kick", "{\"username\":\"" + kicked.username + "\"}")
        .status());
    assertEquals(200, owner.post("/api/v1/rooms/" + room + "/ban", "{\"username\":\"" + banned.username + "\"}")
        .status());
    for (ApiClient u : List.of(leaver, kicked, banned, outsider)) {
      assertTrue(hits(u, w).isEmpty(), u.username);
      assertEquals("invalid_query", search(u, w + " in:" + room).code(), u.username + " naming the room's id: "
          + "none of theirs, as for a room that does not exist");
      assertFalse(search(u, w).body().get("indexedThrough").has(room), "not even how far the room is indexed");
    }
    assertEquals(1, hits(owner, w).size(), "the owner still finds it");
  }

  @Test
  void aDeletedRoomAndWhatRetentionRemovedAreNeverFound() {
    ApiClient owner = node.client().newUser("owner");
    ApiClient bob = node.client().newUser("bob");
    String doomed = owner.createRoom("{\"name\":\"doomed " + owner.username + "\"}");
    String kept = owner.createRoom("{\"name\":\"kept " + owner.username + "\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + doomed + "/join", "{}").status());
    String w = word();
    post(owner, doomed, "doomed " + w);
    post(owner, kept, "kept " + w);
    awaitHits(bob, w, hits -> hits.size() == 1, "bob's room");
    awaitHits(owner, w, hits -> hits.size() == 2, "both rooms");
    assertEquals(204, owner.method("DELETE", "/api/v1/rooms/" + doomed).status());
    awaitHits(owner, w, hits -> hits.size() == 1 && hits.get(0).get("room").get("id").asText().equals(kept),
        "the kept room's only");
    assertTrue(hits(bob, w).isEmpty());

    String old = word();
    String recent = word();
    assertEquals(200, owner.patch("/api/v1/rooms/" + kept, "{\"retention\":{\"maxMessages\":10}}").status());
    post(owner, kept, "old " + old);
    long last = 0;
    for (int i = 0; i < 30; i++) {
      last = post(owner, kept, "filler " + i + " " + recent);
    }
    // Only once the index has followed the room through its last message does "not found" say anything.
    long through = last;
    Eventually.await("the index to follow the kept room through seq " + through, () -> {
      ApiClient.Reply reply = search(owner, recent);
      assertEquals(200, reply.status(), reply.toString());
      assertTrue(reply.body().path("indexedThrough").path(kept).asLong() >= through, reply.body().toString());
      return null;
    });
    assertTrue(hits(owner, old).isEmpty(), "below the retention floor");
    List<JsonNode> kept10 = hits(owner, recent);
    assertTrue(kept10.size() >= 10 && kept10.size() < 30, "what the room keeps: " + kept10.size());
  }

  @Test
  void inNamesARoomByNameOrIdOrTheDmWithSomeoneAndFromNamesTheSender() {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    String name = "design-" + alice.username;
    String room = alice.createRoom("{\"name\":\"" + name + "\"}");
    String other = alice.createRoom("{\"name\":\"other " + alice.username + "\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", "{}").status());
    ApiClient.Reply dm = alice.post("/api/v1/dms/" + bob.username, "{}");
    assertEquals(200, dm.status(), dm.toString());
    String dmId = dm.body().get("id").asText();
    String w = word();
    post(alice, room, "mockups " + w);
    post(bob, room, "feedback " + w);
    post(alice, other, "elsewhere " + w);
    post(bob, dmId, "privately " + w);
    awaitHits(alice, w, hits -> hits.size() == 4, "all four");
    assertEquals(2, hits(alice, w + " in:" + room).size());
    assertEquals(2, hits(alice, w + " in:" + name.toUpperCase()).size(), "by its name, in any case");
    List<JsonNode> inDm = hits(alice, w + " in:@" + bob.username);
    assertEquals(1, inDm.size());
    assertEquals(dmId, inDm.get(0).get("room").get("id").asText());
    assertEquals("dm", inDm.get(0).get("room").get("kind").asText());
    assertEquals(2, hits(alice, w + " from:" + bob.username).size());
    assertEquals(3, hits(bob, w).size(), "bob is not in the other room");
  }

  @Test
  void aClosedAccountsMessagesStayFoundAsTheyStayInHistoryAndItsOwnerFindsNothingMore() {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    String room = alice.createRoom("{\"name\":\"closing " + alice.username + "\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", "{}").status());
    String w = word();
    long seq = post(bob, room, "my last words " + w);
    awaitHits(alice, w, hits -> hits.size() == 1, "bob's message");
    assertEquals(204, bob.delete("/api/v1/me", "{\"password\":\"correct horse\"}").status());
    assertEquals(401, search(bob, w).status(), "a closed account's token is dead");
    List<JsonNode> after = hits(alice, w);
    assertEquals(1, after.size(), "closing an account erases nothing: its messages stay, as in history");
    assertEquals(seq, after.get(0).get("seq").asLong());
  }

  @Test
  void aSharedFileIsFoundByItsNameAndHasFileFiltersToFiles() {
    ApiClient alice = node.client().newUser("alice");
    String room = alice.createRoom("{\"name\":\"files " + alice.username + "\"}");
    String w = word();
    ApiClient.Reply shared = alice.postBytes("/api/v1/rooms/" + room + "/files?name=" + w + "-budget.xlsx&clientMsgId=f1",
        new byte[] {1, 2, 3}, "application/octet-stream");
    assertEquals(201, shared.status(), shared.toString());
    post(alice, room, "the " + w + " budget is in the file");
    awaitHits(alice, w + " budget", hits -> hits.size() == 2, "the file and the message");
    List<JsonNode> files = hits(alice, w + " has:file");
    assertEquals(1, files.size());
    assertEquals(w + "-budget.xlsx", files.get(0).get("text").asText(), "a file's hit reads as its name");
  }

  @Test
  void aQueryTheNodeWillNotRunIsRefusedWithItsCode() {
    ApiClient alice = node.client().newUser("alice");
    assertEquals("invalid_query", alice.get("/api/v1/search").code());
    assertEquals("query_too_long", search(alice, "a".repeat(257)).code());
    assertEquals("invalid_query", alice.get("/api/v1/search?q=x&limit=0").code());
    assertEquals("invalid_query", alice.get("/api/v1/search?q=x&order=oldest").code());
    String room = alice.createRoom("{\"name\":\"cursor " + alice.username + "\"}");
    post(alice, room, "something to find");
    assertEquals("invalid_query", alice.get("/api/v1/search?q=something&before=not-a-cursor").code(),
        "a before that is no cursor of this search");
    assertEquals(401, new ApiClient(node.http()).get("/api/v1/search?q=x").status());
  }
}
