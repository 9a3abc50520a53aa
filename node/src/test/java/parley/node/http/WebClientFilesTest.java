package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.RawHttp;

/**
 * The node serves the web client from its jar: the page at {@code /} with its own Content-Security-Policy (nothing
 * inline, nothing from elsewhere), its files under {@code /static/}, revalidated (304 when unchanged), compressed
 * for a browser that takes gzip, and nothing outside the client's directory.
 */
class WebClientFilesTest extends OnOneNode {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.http() + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void thePageIsServedWithAPolicyThatAllowsOnlyTheNodesOwnFiles() throws Exception {
    HttpResponse<byte[]> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertEquals(WebRoutes.PAGE_POLICY, policy);
    assertFalse(policy.contains("unsafe-inline"), policy);
    assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElseThrow());
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
    String html = new String(page.body(), StandardCharsets.UTF_8);
    assertTrue(html.contains("/static/"), "the page loads its files from /static/");
    assertFalse(html.contains("<script>"), "no inline script: the policy would refuse it");
  }

  @Test
  void headIsAnsweredAsGetWithoutABody() throws Exception {
    HttpResponse<byte[]> get = get("/");
    for (String path : List.of("/", "/static/app.js")) {
      HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(URI.create(node.http() + path))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, head.statusCode(), path);
      assertEquals(0, head.body().length, path);
      assertEquals(get("/static/app.js").headers().firstValue("Content-Type").isPresent(),
          head.headers().firstValue("Content-Type").isPresent(), path);
    }
    HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(URI.create(node.http() + "/"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"));
    assertEquals(get.headers().firstValue("Content-Security-Policy"), head.headers().firstValue("Content-Security-Policy"));
    assertEquals(String.valueOf(get.body().length), head.headers().firstValue("Content-Length").orElse("none"),
        "the length the GET's body has");
  }

  @Test
  void aFileIsRevalidatedAndCompressed() throws Exception {
    String html = new String(get("/").body(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("src=\"(/static/[^\"]+\\.js)\"").matcher(html);
    assertTrue(m.find(), "the page names a script under /static/");
    HttpResponse<byte[]> script = get(m.group(1));
    assertEquals(200, script.statusCode());
    assertTrue(script.headers().firstValue("Content-Type").orElse("").contains("javascript"));
    String etag = script.headers().firstValue("ETag").orElseThrow();
    assertEquals(304, get(m.group(1), "If-None-Match", etag).statusCode());

    HttpResponse<byte[]> gzipped = get(m.group(1), "Accept-Encoding", "gzip");
    assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElseThrow());
    byte[] plain = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes();
    assertEquals(new String(script.body(), StandardCharsets.UTF_8), new String(plain, StandardCharsets.UTF_8));
  }

  @Test
  void nothingOutsideTheClientsFilesIsServed() throws Exception {
    assertEquals(404, get("/static/nothing-here.js").statusCode());
    // The node's own configuration sits beside the web directory on the classpath: a path that climbs out is refused
    // before it reaches the file system (raw, since an HTTP client would normalize the dots away).
    for (String path : List.of("/static/../parley.conf", "/static/..%2fparley.conf", "/static//etc/passwd")) {
      try (Socket s = RawHttp.connect(node.port, "127.0.0.1"); RawHttp.Handshake reply = RawHttp.request(s, path)) {
        assertTrue(reply.status() >= 400 && reply.status() < 500, path + ": " + reply.status());
        assertFalse(reply.body().contains("ask-timeout") || reply.body().contains("root:"), path + ": " + reply.body());
      }
    }
  }
}
