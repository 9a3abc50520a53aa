package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestNode;

/**
 * The user directory (v1.4): people are found by the start of their name, page by page; whoever asked not to be listed,
 * or was turned off by an admin, is not found (but still reached by name); lookups are counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryTest {
  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start(ConfigFactory.parseString("parley.limits.directory-per-window = 8"));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static List<String> found(ApiClient who, String query) {
    ApiClient.Reply r = who.get("/api/v1/users?" + query);
    assertEquals(200, r.status(), r.toString());
    List<String> names = new ArrayList<>();
    r.body().get("users").forEach(u -> names.add(u.get("username").asText()));
    return names;
  }

  @Test
  void peopleAreFoundByTheStartOfTheirNameUnlessTheyAskedNotToBe() {
    ApiClient zed = node.client().newUser("zed");
    String tag = zed.username.substring(3, 9);
    ApiClient a = new ApiClient(node.http()).newUser("dira" + tag);
    ApiClient b = new ApiClient(node.http()).newUser("dirb" + tag);
    ApiClient c = new ApiClient(node.http()).newUser("dirc" + tag);
    List<String> all = found(zed, "q=dir&limit=50").stream().filter(n -> n.endsWith(tag) || n.contains(tag)).toList();
    assertEquals(List.of(a.username, b.username, c.username), all);

    // Two at a time: the second page starts after the first's last name.
    JsonNode first = zed.get("/api/v1/users?q=dira" + tag.substring(0, 1) + "&limit=1").body();
    assertEquals(1, first.get("users").size());
    // An underscore or a percent sign is a character of the name, not a pattern.
    assertEquals(List.of(), found(zed, "q=%25"));
    assertEquals(List.of(), found(zed, "q=_"));

    // b asks not to be listed: not found, still reached by name.
    assertEquals(true, b.get("/api/v1/me/directory").body().get("listed").asBoolean());
    assertEquals(200, b.put("/api/v1/me/directory", "{\"listed\":false}").status());
    assertEquals(false, b.get("/api/v1/me/directory").body().get("listed").asBoolean());
    assertEquals(List.of(a.username), found(zed, "q=dira" + tag));
    assertEquals(List.of(), found(zed, "q=dirb" + tag));
    assertEquals(200, zed.get("/api/v1/users/" + b.username).status());
    assertEquals(400, zed.get("/api/v1/users?q=").status());
    assertEquals("invalid_query", zed.get("/api/v1/users?q=" + "x".repeat(33)).code());
  }

  @Test
  void lookupsAreCountedAndSayTheirNumber() {
    ApiClient yan = node.client().newUser("yan");
    for (int i = 0; i < 8; i++) {
      assertEquals(200, yan.get("/api/v1/users?q=yan").status());
    }
    ApiClient.Reply ninth = yan.get("/api/v1/users?q=yan");
    assertEquals(429, ninth.status(), ninth.toString());
    assertEquals("too_many_lookups", ninth.code());
    assertTrue(ninth.body().get("error").get("message").asText().contains("8 directory lookups"), ninth.toString());
  }
}
