package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.admin.ServerAdmin;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/**
 * Running the server (v1.4) over real HTTP and WebSocket: the first account of an empty server is its admin; an admin
 * lists the accounts, turns one off (its socket closes at once, its token and its logins are refused) and on again,
 * signs one out everywhere, names and unnames admins (never the last), closes sign-up and makes accounts; every act is
 * in the audit log, newest first, with who, whom and from where. Nobody else reaches any of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminTest {
  private TestNode node;
  private ApiClient root;

  @BeforeAll
  void start() {
    node = TestNode.start(ConfigFactory.empty());
    root = node.client().newUser("root");
    if (!root.get("/api/v1/me").body().path("admin").asBoolean(false)) {
      // On a database other test classes signed up on first (CI's PostgreSQL pass), the first account was theirs.
      ServerAdmin.get(node.system).grant(root.username, "test").toCompletableFuture().join();
    }
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void theFirstAccountOfAnEmptyServerIsItsAdminAndTheNextIsNot() {
    Assumptions.assumeFalse(TestDatabase.postgres(), "the suite's PostgreSQL database has accounts of other classes");
    assertTrue(root.get("/api/v1/me").body().get("admin").asBoolean(), "the first account");
    ApiClient next = node.client().newUser("next");
    assertFalse(next.get("/api/v1/me").body().has("admin"), "the second account");
    // The server keeps an admin: its only one cannot step down.
    ApiClient.Reply last = root.method("DELETE", "/api/v1/admin/admins/" + root.username);
    assertEquals(409, last.status(), last.toString());
    assertEquals("last_admin", last.code());
  }

  @Test
  void anAdminTurnsAnAccountOffAndOnAndEveryActIsInTheLog() {
    ApiClient bob = node.client().newUser("bob");
    ApiClient eve = node.client().newUser("eve");
    assertEquals(403, eve.get("/api/v1/admin/users").status());
    assertEquals("forbidden", eve.post("/api/v1/admin/users/" + bob.username + "/deactivate", null).code());

    // The list has both, by name, with presence.
    List<String> names = new ArrayList<>();
    String after = "";
    while (after != null) {
      JsonNode page = root.get("/api/v1/admin/users?limit=2&after=" + after).body();
      page.get("users").forEach(u -> names.add(u.get("username").asText()));
      after = page.get("next").isNull() ? null : page.get("next").asText();
    }
    assertTrue(names.containsAll(List.of(root.username, bob.username, eve.username)), names.toString());
    assertEquals(names.stream().sorted().toList(), names, "by name");

    // Off: bob's socket closes at once, his token is refused, and so is his password.
    WsClient socket = WsClient.connect(node.http(), bob.token);
    socket.awaitType("hello");
    assertEquals(204, root.post("/api/v1/admin/users/" + bob.username + "/deactivate", null).status());
    socket.awaitClose();
    assertEquals(401, bob.get("/api/v1/me").status());
    ApiClient.Reply login = node.client().login(bob.username, "correct horse");
    assertEquals(403, login.status(), login.toString());
    assertEquals("account_deactivated", login.code());
    assertEquals(400, root.post("/api/v1/admin/users/" + root.username + "/deactivate", null).status(),
        "not oneself");

    // On again: his password works; nothing else came back with it.
    assertEquals(204, root.post("/api/v1/admin/users/" + bob.username + "/reactivate", null).status());
    ApiClient.Reply back = node.client().login(bob.username, "correct horse");
    assertEquals(200, back.status(), back.toString());

    // Signed out everywhere: the new token ends too.
    String token = back.body().get("token").asText();
    assertEquals(204, root.post("/api/v1/admin/users/" + bob.username + "/sessions/reset", null).status());
    assertEquals(401, node.client().withToken(token).get("/api/v1/me").status());
    assertEquals("no_such_user", root.post("/api/v1/admin/users/nobody-here/deactivate", null).code());

    // The log, newest first: who did what to whom.
    JsonNode entries = root.get("/api/v1/admin/audit?limit=3").body().get("entries");
    List<String> acts = new ArrayList<>();
    entries.forEach(e -> acts.add(e.get("actor").asText() + " " + e.get("action").asText() + " " + e.get("target").asText()));
    assertEquals(List.of(root.username + " reset_sessions " + bob.username, root.username + " reactivate " + bob.username,
        root.username + " deactivate " + bob.username), acts);
    assertEquals("127.0.0.1", entries.get(0).get("address").asText());
  }

  @Test
  void adminsAreNamedAndUnnamedButNeverTheLastAndSignUpCanBeClosed() throws Exception {
    ApiClient carol = node.client().newUser("carol");
    assertEquals(204, root.post("/api/v1/admin/admins/" + carol.username, null).status());
    assertTrue(carol.get("/api/v1/me").body().get("admin").asBoolean());
    assertEquals(204, carol.method("DELETE", "/api/v1/admin/admins/" + carol.username).status());
    assertEquals(403, carol.get("/api/v1/admin/users").status());

    // Sign-up closed: nobody signs up, the admin makes the account.
    ApiClient.Reply closed = root.patch("/api/v1/admin/settings", "{\"signup\":\"closed\"}");
    assertEquals(200, closed.status(), closed.toString());
    try {
      ApiClient.Reply refused = node.client().post("/api/v1/auth/signup",
          "{\"username\":\"walkin\",\"password\":\"correct horse\"}");
      assertEquals(403, refused.status(), refused.toString());
      assertEquals("signup_closed", refused.code());
      String hired = "hired" + root.username.substring(4, Math.min(root.username.length(), 14));
      ApiClient.Reply made = root.post("/api/v1/admin/users",
          "{\"username\":\"" + hired + "\",\"password\":\"correct horse\"}");
      assertEquals(201, made.status(), made.toString());
      assertEquals(200, node.client().login(hired, "correct horse").status());
      assertEquals("closed", root.get("/api/v1/admin/settings").body().get("signup").asText());
      assertEquals("invalid_request", root.patch("/api/v1/admin/settings", "{\"signup\":\"maybe\"}").code());
    } finally {
      assertEquals(200, root.patch("/api/v1/admin/settings", "{\"signup\":\"open\"}").status());
    }

    // Sign-up by invitation: none, nobody; one of two uses, taken by a name already taken, is given back.
    assertEquals(200, root.patch("/api/v1/admin/settings", "{\"signup\":\"invite\"}").status());
    try {
      String tag = root.username.substring(4, Math.min(root.username.length(), 12));
      ApiClient.Reply bare = node.client().post("/api/v1/auth/signup",
          "{\"username\":\"guest" + tag + "\",\"password\":\"correct horse\"}");
      assertEquals(403, bare.status(), bare.toString());
      assertEquals("invite_required", bare.code());
      ApiClient.Reply invite = root.post("/api/v1/admin/invites", "{\"maxUses\":2}");
      assertEquals(201, invite.status(), invite.toString());
      String token = invite.body().get("token").asText();
      parley.node.testkit.RunLog.secret(token);
      ApiClient.Reply taken = node.client().post("/api/v1/auth/signup",
          "{\"username\":\"" + carol.username + "\",\"password\":\"correct horse\",\"invite\":\"" + token + "\"}");
      assertEquals("username_taken", taken.code());
      for (String name : List.of("guest" + tag, "guestb" + tag)) {
        assertEquals(201, node.client().post("/api/v1/auth/signup", "{\"username\":\"" + name
            + "\",\"password\":\"correct horse\",\"invite\":\"" + token + "\"}").status(), name);
      }
      ApiClient.Reply spent = node.client().post("/api/v1/auth/signup",
          "{\"username\":\"guestc" + tag + "\",\"password\":\"correct horse\",\"invite\":\"" + token + "\"}");
      assertEquals(410, spent.status(), spent.toString());
      assertEquals("invite_expired", spent.code());
    } finally {
      assertEquals(200, root.patch("/api/v1/admin/settings", "{\"signup\":\"open\"}").status());
    }

    // Exported as JSON lines, one act a line.
    HttpResponse<String> export = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(node.http() + "/api/v1/admin/audit?format=jsonl&limit=4"))
        .header("Authorization", "Bearer " + root.token).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, export.statusCode());
    String[] lines = export.body().strip().split("\n");
    assertEquals(4, lines.length, export.body());
    assertEquals("signup_policy", Json.mapper().readTree(lines[0]).get("action").asText());
    assertEquals("signup_invite", Json.mapper().readTree(lines[1]).get("action").asText());
    assertEquals("open", Json.mapper().readTree(lines[0]).get("detail").asText());
  }
}
