package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.OnOneNode;
import parley.protocol.Json;

/**
 * The query language as a user types it into the search box, over real HTTP: three words and a name land on the
 * message they remember, with its words marked; each operator narrows as docs/protocol.md says; pages read on with
 * {@code next}; and a query the node cannot run gets a 400 whose code and message say what to fix.
 */
class SearchQueryLanguageTest extends OnOneNode {
  private ApiClient alice;
  private ApiClient bob;
  private String launch;
  private String launchName;
  private String dm;

  @BeforeAll
  void aTeamTalks() throws Exception {
    alice = node.client().newUser("alice");
    bob = node.client().newUser("bob");
    launchName = "launch " + alice.username;
    launch = alice.createRoom(Json.mapper().writeValueAsString(Map.of("name", launchName)));
    assertEquals(200, bob.post("/api/v1/rooms/" + launch + "/join", "{}").status());
    dm = alice.post("/api/v1/dms/" + bob.username, "{}").body().get("id").asText();
    post(bob, launch, "Deploying tonight, the release notes are in the wiki");
    post(alice, launch, "Who wrote the release plan?");
    post(bob, launch, "Lunch at the Café at noon");
    post(bob, dm, "deploy went fine, notes later");
    post(alice, launch, "deployment checklist is done");
    // The index follows the journal within about a second: wait until the last message is found.
    Eventually.await("the last message to be found", () -> {
      assertEquals(List.of("deployment checklist is done"), texts(hits(alice, "checklist")));
      return null;
    });
  }

  private static void post(ApiClient user, String room, String text) throws Exception {
    String body = Json.mapper().writeValueAsString(Map.of("clientMsgId", UUID.randomUUID().toString(), "text", text));
    assertEquals(201, user.post("/api/v1/rooms/" + room + "/messages", body).status());
  }

  private static ApiClient.Reply search(ApiClient user, String query, String more) {
    return user.get("/api/v1/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + more);
  }

  private static List<JsonNode> hits(ApiClient user, String query) {
    ApiClient.Reply reply = search(user, query, "");
    assertEquals(200, reply.status(), query + " -> " + reply);
    List<JsonNode> hits = new ArrayList<>();
    reply.body().get("hits").forEach(hits::add);
    return hits;
  }

  private static List<String> texts(List<JsonNode> hits) {
    return hits.stream().map(h -> h.get("text").asText()).toList();
  }

  /** The marked parts of a hit's text, as a client cuts them out. */
  private static List<String> marked(JsonNode hit) {
    String text = hit.get("text").asText();
    List<String> parts = new ArrayList<>();
    hit.get("highlights").forEach(r -> parts.add(text.substring(r.get(0).asInt(), r.get(1).asInt())));
    return parts;
  }

  @Test
  void threeWordsAndANameLandOnTheMessageWithItsWordsMarked() {
    List<JsonNode> hits = hits(alice, "deploy \"release notes\" from:" + bob.username);
    assertEquals(1, hits.size(), hits.toString());
    JsonNode hit = hits.get(0);
    assertEquals(launch, hit.get("room").get("id").asText());
    assertEquals(launchName, hit.get("room").get("name").asText());
    assertEquals(bob.username, hit.get("sender").asText());
    assertEquals(List.of("Deploying", "release notes"), marked(hit));
  }

  @Test
  void eachOperatorNarrowsAsDocumented() {
    assertEquals(List.of("deployment checklist is done", "deploy went fine, notes later",
        "Deploying tonight, the release notes are in the wiki"), texts(hits(alice, "deploy*")), "newest first");
    assertEquals(List.of("deploy went fine, notes later"), texts(hits(alice, "in:@" + bob.username + " deploy")));
    assertEquals(List.of("deployment checklist is done", "Deploying tonight, the release notes are in the wiki"),
        texts(hits(alice, "in:\"" + launchName + "\" deploy*")));
    assertEquals(List.of("deploy went fine, notes later", "Deploying tonight, the release notes are in the wiki"),
        texts(hits(alice, "notes -lunch from:" + bob.username)));
    List<JsonNode> cafe = hits(alice, "cafe");
    assertEquals(List.of("Café"), marked(cafe.get(0)), "accents fold; the text keeps its own");
    assertEquals(List.of("Who wrote the release plan?"), texts(hits(alice, "release -notes")));
    assertEquals(List.of(), hits(alice, "release before:2020-01-01"));
  }

  @Test
  void aFromThatNamesNoOneInTheCallersRoomsSaysSoInsteadOfOnlyNothing() {
    ApiClient dave = node.client().newUser("dave");
    JsonNode none = search(alice, "deploy from:" + dave.username + " from:nobody" + alice.username, "").body();
    assertEquals(0, none.get("hits").size());
    List<String> strangers = new ArrayList<>();
    none.get("strangers").forEach(n -> strangers.add(n.asText()));
    assertEquals(List.of(dave.username, "nobody" + alice.username), strangers);
    // bob shares a room with her: nothing matched, and that is all there is to say.
    JsonNode nothing = search(alice, "zzzqqq from:" + bob.username, "").body();
    assertEquals(0, nothing.get("hits").size());
    assertTrue(nothing.path("strangers").isMissingNode(), nothing.toString());
  }

  @Test
  void pagesReadOnWithNextUntilItIsNull() {
    List<String> read = new ArrayList<>();
    String before = "";
    for (int page = 0; page < 5; page++) {
      ApiClient.Reply reply = search(alice, "deploy*", "&limit=1" + before);
      assertEquals(200, reply.status(), reply.toString());
      reply.body().get("hits").forEach(h -> read.add(h.get("text").asText()));
      JsonNode next = reply.body().get("next");
      if (next.isNull()) {
        break;
      }
      before = "&before=" + URLEncoder.encode(next.asText(), StandardCharsets.UTF_8);
    }
    assertEquals(texts(hits(alice, "deploy*")), read, "one at a time, the same hits in the same order");
    ApiClient.Reply ranked = search(alice, "deploy*", "&order=relevance");
    assertEquals(200, ranked.status());
    assertEquals(3, ranked.body().get("hits").size());
    assertNotNull(ranked.body().get("indexedThrough").get(launch), "how far the room searched is indexed");
  }

  @Test
  void aQueryTheNodeCannotRunSaysWhatToFix() {
    assertRefused(search(alice, "form:" + bob.username + " lunch", ""), "invalid_query", "unknown operator \"form:\"");
    assertRefused(search(alice, "\"release notes", ""), "invalid_query", "unclosed quote: \"release notes");
    assertRefused(search(alice, "-lunch -notes", ""), "invalid_query", "exclusions only");
    assertRefused(search(alice, "release before:2026-02-30", ""), "invalid_query", "2026-02-30");
    assertRefused(search(alice, "x".repeat(257), ""), "query_too_long", "at most 256 characters; this one has 257");
    assertRefused(search(alice, "a b c d e f g h i j k l m n o p q", ""), "too_many_terms",
        "at most 16 terms (words, phrases, exclusions and filters); this one has 17");
    assertRefused(search(alice, "release", "&before=not-a-cursor"), "invalid_query", "not a cursor");
    assertRefused(search(alice, "release", "&order=oldest"), "invalid_query", "order");
  }

  private static void assertRefused(ApiClient.Reply reply, String code, String part) {
    assertEquals(400, reply.status(), reply.toString());
    assertEquals(code, reply.code(), reply.toString());
    String message = reply.body().get("error").get("message").asText();
    assertTrue(message.contains(part), message);
  }
}
