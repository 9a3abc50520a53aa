package parley.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;
import parley.protocol.Json;
import parley.protocol.Shortcodes;

/**
 * What a release wrote, today's node reads back, entry for entry: the database a node of commit 02a29b8 left behind
 * (src/test/resources/fixtures/02a29b8, made by bench/tools/make_fixture.py) is started under the node of this
 * checkout, on H2 or, in the PostgreSQL run, on a database restored from that node's dump. Every room must answer what
 * that node answered, but for what the protocol since says changed: a reaction sent as a {@code :shortcode:} reads as
 * its emoji (v1.2), and a room whose owner had closed the account is handed over as it starts (v1.2).
 */
class ReleaseFixturesTest {
  private static final String RELEASE = "02a29b8";

  @Test
  void everyRoomOfRelease02a29b8ReadsBackEntryForEntry() throws Exception {
    String db = TestDatabase.postgres() ? "postgresql" : "h2";
    Path fixture = Path.of("src/test/resources/fixtures", RELEASE, db);
    JsonNode expected = Json.mapper().readTree(fixture.resolve("expected.json").toFile());
    Database restored = TestDatabase.postgres() ? restorePostgres(fixture.resolve("dump.sql")) : copyH2(fixture);
    try (TestNode node = TestNode.start(restored.config())) {
      String password = expected.get("password").asText();
      Iterator<Map.Entry<String, JsonNode>> rooms = expected.get("rooms").fields();
      int checked = 0;
      while (rooms.hasNext()) {
        Map.Entry<String, JsonNode> room = rooms.next();
        ApiClient reader = node.client();
        assertEquals(200, reader.login(room.getValue().get("reader").asText(), password).status());
        checkRoom(node.system, reader, room.getKey(), room.getValue());
        checked++;
      }
      assertEquals(6, checked, "every room of the fixture");
      Iterator<Map.Entry<String, JsonNode>> mes = expected.get("me").fields();
      while (mes.hasNext()) {
        Map.Entry<String, JsonNode> me = mes.next();
        ApiClient user = node.client();
        assertEquals(200, user.login(me.getKey(), password).status());
        assertEquals(Json.mapper().readTree(withHandover(me.getValue(), expected).toString()),
            user.get("/api/v1/me").body(), me.getKey() + "'s rooms");
      }
    } finally {
      restored.drop().run();
    }
  }

  private static void checkRoom(ActorSystem<?> system, ApiClient reader, String id,
      JsonNode expected) throws Exception {
    if (expected.get("status").asInt() == 404) {
      assertEquals(404, reader.get("/api/v1/rooms/" + id).status(), "a deleted room stays deleted");
      assertEquals(404, reader.get("/api/v1/rooms/" + id + "/messages").status());
      return;
    }
    if ("orphan".equals(expected.get("room").get("name").asText())) {
      // The hand-over is the room's first act once it starts (the first read starts it): wait for it.
      TestProbe.create(system).awaitAssert(Duration.ofSeconds(10),
          () -> {
            assertEquals("ivan", reader.get("/api/v1/rooms/" + id).body().get("owner").asText());
            return null;
          });
    }
    JsonNode view = reader.get("/api/v1/rooms/" + id).body();
    ObjectNode room = ((ObjectNode) view.deepCopy());
    room.remove("members");
    List<JsonNode> entries = new ArrayList<>();
    long after = 0;
    JsonNode floor;
    while (true) {
      JsonNode page = reader.get("/api/v1/rooms/" + id + "/messages?after=" + after + "&limit=200").body();
      page.get("messages").forEach(entries::add);
      if (page.get("messages").isEmpty() || !page.path("hasMore").asBoolean()) {
        floor = page.get("floorSeq");
        break;
      }
      after = entries.get(entries.size() - 1).get("seq").asLong();
    }
    List<JsonNode> want = new ArrayList<>();
    expected.get("messages").forEach(m -> want.add(canonicalReactions(m.deepCopy())));
    ObjectNode wantRoom = (ObjectNode) expected.get("room").deepCopy();
    if ("orphan".equals(wantRoom.get("name").asText())) {
      // Its owner (heidi) closed the account under 02a29b8: it is handed over to the member who joined first, in an
      // entry of its own after the release's last.
      long last = want.get(want.size() - 1).get("seq").asLong();
      JsonNode handOver = entries.get(entries.size() - 1);
      assertEquals(List.of(last + 1, "role", "heidi", "ivan", "owner"), List.of(handOver.get("seq").asLong(),
          handOver.get("kind").asText(), handOver.get("sender").asText(), handOver.get("user").asText(),
          handOver.get("role").asText()), id + ": the hand-over");
      entries.remove(entries.size() - 1);
      wantRoom.put("owner", "ivan").put("lastSeq", last + 1);
    }
    if ("room".equals(wantRoom.get("kind").asText()) && !wantRoom.has("visibility")) {
      // v1.3 added a room's visibility, and a room made before it is public.
      wantRoom.put("visibility", "public");
    }
    if ("room".equals(wantRoom.get("kind").asText()) && !wantRoom.has("membersInvite")) {
      // v1.4 added whether members invite, and a room made before it keeps that to the owner and admins.
      wantRoom.put("membersInvite", false);
    }
    // Read back as JSON is read (a number put here in code is a long, one parsed as small is an int).
    assertEquals(Json.mapper().readTree(wantRoom.toString()), room, id + ": the room");
    List<JsonNode> got = new ArrayList<>();
    for (JsonNode e : entries) {
      ObjectNode copy = (ObjectNode) e.deepCopy();
      copy.remove("sentAt");
      copy.remove("editedAt");
      got.add(sortedReactors(copy));
    }
    want.replaceAll(e -> sortedReactors((ObjectNode) e));
    assertEquals(want.size(), got.size(), id + ": how many entries");
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i), got.get(i), id + ": entry " + (i + 1));
    }
    assertEquals(expected.get("floorSeq"), floor == null ? Json.mapper().nullNode() : floor, id + ": the floor");
    for (JsonNode e : got) {
      if ("file".equals(e.get("kind").asText())) {
        HttpResponse<byte[]> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(reader.base
            + "/api/v1/files/" + e.get("file").get("id").asText())).header("Authorization", "Bearer " + reader.token)
            .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode());
        assertArrayEquals("some notes\n".getBytes(StandardCharsets.UTF_8), file.body(), "the file's bytes");
      }
    }
  }

  /** v1.2: a reaction is its emoji, whether it was sent as one or as a known shortcode. */
  private static JsonNode canonicalReactions(ObjectNode entry) {
    if (entry.hasNonNull("emoji")) {
      entry.put("emoji", canonical(entry.get("emoji").asText()));
    }
    if (entry.has("reactions")) {
      ObjectNode merged = Json.mapper().createObjectNode();
      entry.get("reactions").fields().forEachRemaining(r -> {
        ArrayNode users = merged.withArray(canonical(r.getKey()));
        r.getValue().forEach(u -> {
          if (!users.toString().contains(u.toString())) {
            users.add(u);
          }
        });
      });
      entry.set("reactions", merged);
    }
    return entry;
  }

  /**
   * Who reacted, in name order: the fixture's file lists its reactions by emoji, so the order of two ways of writing one
   * emoji merged here is not the order they were made in (which the node keeps).
   */
  private static ObjectNode sortedReactors(ObjectNode entry) {
    if (entry.has("reactions")) {
      entry.get("reactions").fields().forEachRemaining(r -> {
        List<String> users = new ArrayList<>();
        r.getValue().forEach(u -> users.add(u.asText()));
        users.sort(null);
        ArrayNode sorted = Json.mapper().createArrayNode();
        users.forEach(sorted::add);
        ((ObjectNode) entry.get("reactions")).set(r.getKey(), sorted);
      });
    }
    return entry;
  }

  private static String canonical(String emoji) {
    String c = Shortcodes.canonical(emoji);
    return c == null ? emoji : c;
  }

  /** A user's /me of the fixture, with the orphaned room one entry longer (its hand-over, which is no message). */
  private static JsonNode withHandover(JsonNode me, JsonNode expected) {
    ObjectNode copy = me.deepCopy();
    expected.get("rooms").fields().forEachRemaining(r -> {
      if (r.getValue().path("room").path("name").asText().equals("orphan")) {
        copy.get("rooms").forEach(s -> {
          if (s.get("id").asText().equals(r.getKey())) {
            ((ObjectNode) s).put("lastSeq", s.get("lastSeq").asLong() + 1);
          }
        });
      }
    });
    return copy;
  }

  private record Database(Config config, Runnable drop) {}

  /** The H2 file, copied: the node may change it (a hand-over), the fixture stays as the release left it. */
  private static Database copyH2(Path fixture) throws Exception {
    Path dir = Files.createTempDirectory("parley-fixture");
    Files.copy(fixture.resolve("parley.mv.db"), dir.resolve("parley.mv.db"));
    Config config = DatabaseSettings.fromValues("jdbc:h2:file:" + dir.resolve("parley") + ";WRITE_DELAY=0", "sa", "")
        .withFallback(ConfigFactory.parseMap(Map.of("parley.data-dir", dir.toString())));
    return new Database(config, () -> { });
  }

  /** A database of its own on the test server, restored from the release's dump with psql. */
  private static Database restorePostgres(Path dump) throws Exception {
    String url = TestDatabase.url();
    String user = System.getenv().getOrDefault("PARLEY_TEST_DB_USER", "postgres");
    String password = System.getenv().getOrDefault("PARLEY_TEST_DB_PASSWORD", "");
    String name = "parley_fixture_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    URI server = URI.create(url.substring("jdbc:".length()));
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      c.createStatement().execute("CREATE DATABASE " + name);
    }
    Process psql = new ProcessBuilder("psql", "-h", server.getHost(), "-p", String.valueOf(server.getPort()), "-U", user,
        "-d", name, "-v", "ON_ERROR_STOP=1", "-q", "-f", dump.toAbsolutePath().toString())
        .redirectErrorStream(true).start();
    psql.getInputStream().transferTo(System.out);
    assertTrue(psql.waitFor(60, TimeUnit.SECONDS), "psql restored the dump in time");
    assertEquals(0, psql.exitValue(), "psql restored the dump");
    String own = "jdbc:postgresql://" + server.getHost() + ":" + server.getPort() + "/" + name;
    return new Database(DatabaseSettings.fromValues(own, user, password), () -> {
      try (Connection c = DriverManager.getConnection(url, user, password)) {
        c.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
