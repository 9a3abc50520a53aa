package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Bytes;
import parley.node.testkit.S3Proxy;
import parley.node.testkit.TestCluster;
import parley.node.testkit.TestNode;
import parley.protocol.Json;

/** Files kept in a real S3-compatible server (s3proxy in its own process), not in the database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3FilesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String BUCKET = "parley-files";
  private S3Proxy s3;
  private TestCluster cluster;
  private TestNode node;
  /** A second node of the same cluster, on the same database and bucket. */
  private TestNode other;

  @BeforeAll
  void start() throws Exception {
    s3 = S3Proxy.start();
    cluster = TestCluster.start(2, ConfigFactory.parseString("parley.files.s3 { endpoint = \"" + s3.endpoint()
        + "\", bucket = " + BUCKET + ", access-key = " + S3Proxy.ACCESS_KEY + ", secret-key = " + S3Proxy.SECRET_KEY
        + " }"));
    node = cluster.node(0);
    other = cluster.node(1);
  }

  @AfterAll
  void stop() {
    cluster.close();
    s3.close();
  }

  @Test
  void aFileGoesToTheBucketComesBackWholeAndByRangeAndLeavesWithItsEntry() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    String room = alice.createRoom("{\"name\":\"s3 " + alice.username + "\"}");
    byte[] bytes = Bytes.random(2_500_000, 31);
    HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/rooms/" + room
            + "/files?name=big.bin&clientMsgId=s1"))
        .header("Authorization", "Bearer " + alice.token)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, posted.statusCode(), posted.body());
    JsonNode entry = Json.mapper().readTree(posted.body());
    String id = entry.get("file").get("id").asText();
    assertEquals(Bytes.sha256(bytes), entry.get("file").get("sha256").asText());
    assertEquals(3, s3.objects(BUCKET), "2.5 MB as three objects of 1 MiB");

    // Fetched through the other node of the cluster: the bucket is shared, whichever node stored it.
    HttpResponse<byte[]> whole = HTTP.send(HttpRequest.newBuilder(URI.create(other.http() + "/api/v1/files/" + id))
        .header("Authorization", "Bearer " + alice.token).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(bytes, whole.body());
    HttpResponse<byte[]> part = HTTP.send(HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/files/" + id))
        .header("Authorization", "Bearer " + alice.token).header("Range", "bytes=1048000-2097500").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(206, part.statusCode());
    assertArrayEquals(Arrays.copyOfRange(bytes, 1048000, 2097501), part.body());

    assertEquals(200, alice.method("DELETE", "/api/v1/rooms/" + room + "/messages/" + entry.get("seq").asLong())
        .status());
    TestProbe<Object> wait = TestProbe.create(node.system);
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      try {
        assertEquals(0, s3.objects(BUCKET), "the objects go with the file's entry");
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return null;
    });
  }
}
