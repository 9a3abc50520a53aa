package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.RawHttp;

/**
 * What a browser needs to be safe: the session cookie (HttpOnly, SameSite=Strict, Secure behind TLS), a CSRF check on
 * cookie calls that change something, the Origin check on WebSocket handshakes, and security headers everywhere. The
 * attacks are made the way a hostile page would make them: with its own Origin.
 */
class BrowserSessionsTest extends OnOneNode {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private String own;

  @BeforeAll
  void ownOrigin() {
    own = "http://127.0.0.1:" + node.port;
  }

  @Override
  protected Config nodeConfig() {
    return ConfigFactory.parseString("""
        parley.http.allowed-origins = ["https://chat.example.com"]
        parley.limits.trusted-proxies = ["127.0.0.2"]
        """);
  }

  private HttpResponse<String> call(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.http() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A WebSocket handshake with these extra header lines, as a browser (or a hostile page) sends it. */
  private RawHttp.Handshake handshake(String from, String... headerLines) throws IOException {
    Socket s = RawHttp.connect(node.port, from);
    StringBuilder req = new StringBuilder("GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:" + node.port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(new byte[16]) + "\r\nSec-WebSocket-Version: 13\r\n");
    for (String line : headerLines) {
      req.append(line).append("\r\n");
    }
    s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    return RawHttp.read(s);
  }

  /** A browser's login on the node's own page: it sends the page's Origin. */
  private String cookieLogin(ApiClient user, Map<String, String> headers) throws Exception {
    Map<String, String> withOrigin = new HashMap<>(headers);
    withOrigin.putIfAbsent("Origin", own);
    HttpResponse<String> login = call("POST", "/api/v1/auth/login",
        "{\"username\":\"" + user.username + "\",\"password\":\"correct horse\",\"cookie\":true}", withOrigin);
    assertEquals(200, login.statusCode(), login.body());
    return login.headers().firstValue("Set-Cookie").orElseThrow();
  }

  @Test
  void aCookieLoginIsHttpOnlyStrictAndSecureOnlyBehindTls() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    String cookie = cookieLogin(alice, Map.of());
    assertTrue(cookie.startsWith("parley_token="), cookie);
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/api"), cookie);
    assertFalse(cookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back: " + cookie);
    // Without {"cookie":true}, no cookie: what every other client gets.
    assertTrue(call("POST", "/api/v1/auth/login", "{\"username\":\"" + alice.username + "\",\"password\":\"correct horse\"}",
        Map.of()).headers().firstValue("Set-Cookie").isEmpty());

    // Through the trusted proxy, which says the browser spoke TLS to it: Secure.
    try (Socket s = RawHttp.connect(node.port, "127.0.0.2")) {
      String body = "{\"username\":\"" + alice.username + "\",\"password\":\"correct horse\",\"cookie\":true}";
      s.getOutputStream().write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: chat.example.com\r\nContent-Type: application/json\r\n"
          + "Origin: https://chat.example.com\r\n"
          + "X-Forwarded-For: 198.51.100.7\r\nX-Forwarded-Proto: https\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
          .getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(10_000);
      StringBuilder head = new StringBuilder();
      int b;
      while (head.indexOf("\r\n\r\n") < 0 && (b = s.getInputStream().read()) >= 0) {
        head.append((char) b);
      }
      assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
      assertTrue(head.toString().contains("Secure"), head.toString());
    }
  }

  @Test
  void cookieCallsThatChangeSomethingMustComeFromAnAllowedOrigin() throws Exception {
    ApiClient bob = node.client().newUser("bob");
    String cookie = cookieLogin(bob, Map.of()).split(";")[0];
    assertEquals(200, call("GET", "/api/v1/me", null, Map.of("Cookie", cookie)).statusCode(), "reading needs no Origin");
    String room = "{\"name\":\"from the browser\"}";
    HttpResponse<String> noOrigin = call("POST", "/api/v1/rooms", room, Map.of("Cookie", cookie));
    assertEquals(403, noOrigin.statusCode());
    assertTrue(noOrigin.body().contains("csrf_failed"), noOrigin.body());
    HttpResponse<String> evil = call("POST", "/api/v1/rooms", room, Map.of("Cookie", cookie, "Origin", "https://evil.example"));
    assertEquals(403, evil.statusCode());
    assertTrue(evil.body().contains("csrf_failed"));
    assertEquals(201, call("POST", "/api/v1/rooms", room, Map.of("Cookie", cookie, "Origin", own)).statusCode());
    assertEquals(201, call("POST", "/api/v1/rooms", room,
        Map.of("Cookie", cookie, "Origin", "https://chat.example.com")).statusCode(), "on the allowlist");
    // A bearer token needs no Origin: no other site can make a browser send it.
    assertEquals(201, bob.post("/api/v1/rooms", room).status());

    // Logout with the cookie ends it and tells the browser to drop it.
    HttpResponse<String> out = call("POST", "/api/v1/auth/logout", null, Map.of("Cookie", cookie, "Origin", own));
    assertEquals(204, out.statusCode());
    String cleared = out.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cleared.startsWith("parley_token=;") && cleared.contains("Max-Age=0"), cleared);
    assertEquals(401, call("GET", "/api/v1/me", null, Map.of("Cookie", cookie)).statusCode());
  }

  @Test
  void anotherSitesPageCannotSignItsVisitorInAsSomeoneElse() throws Exception {
    ApiClient attacker = node.client().newUser("attacker");
    String credentials = "{\"username\":\"" + attacker.username + "\",\"password\":\"correct horse\",\"cookie\":true}";
    // The attack as made: a hidden form posting text/plain (no preflight) that looks like JSON.
    HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/auth/login"))
        .header("Content-Type", "text/plain").header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.ofString(credentials)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(415, form.statusCode(), form.body());
    assertTrue(form.body().contains("unsupported_media_type"), form.body());
    assertTrue(form.headers().firstValue("Set-Cookie").isEmpty(), "no session for the victim's browser");
    // Even as JSON (which a page elsewhere cannot send without the node's consent), another Origin gets no cookie.
    HttpResponse<String> json = call("POST", "/api/v1/auth/login", credentials, Map.of("Origin", "https://evil.example"));
    assertEquals(403, json.statusCode(), json.body());
    assertTrue(json.body().contains("csrf_failed"), json.body());
    assertTrue(json.headers().firstValue("Set-Cookie").isEmpty());
    HttpResponse<String> signup = call("POST", "/api/v1/auth/signup", "{\"username\":\"victim-" + System.nanoTime() % 100000
        + "\",\"password\":\"correct horse\",\"cookie\":true}", Map.of("Origin", "https://evil.example"));
    assertEquals(403, signup.statusCode(), signup.body());
    // Every JSON route wants JSON: a bearer call with a text/plain body is refused before it is read.
    HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/rooms"))
        .header("Content-Type", "text/plain").header("Authorization", "Bearer " + attacker.token)
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(415, plain.statusCode(), plain.body());
  }

  @Test
  void aSocketFromAnotherSitesPageIsRefusedBeforeTheUpgrade() throws Exception {
    ApiClient carol = node.client().newUser("carol");
    String cookie = cookieLogin(carol, Map.of()).split(";")[0];
    try (RawHttp.Handshake hijack = handshake("127.0.0.1", "Origin: https://evil.example", "Cookie: " + cookie)) {
      assertEquals(403, hijack.status());
      assertTrue(hijack.body().contains("origin_not_allowed"), hijack.body());
    }
    try (RawHttp.Handshake nullOrigin = handshake("127.0.0.1", "Origin: null", "Authorization: Bearer " + carol.token)) {
      assertEquals(403, nullOrigin.status(), "a sandboxed page's Origin is null");
    }
    for (String origin : List.of(own, "https://chat.example.com")) {
      try (RawHttp.Handshake ok = handshake("127.0.0.1", "Origin: " + origin, "Cookie: " + cookie)) {
        assertEquals(101, ok.status(), origin + ": " + ok.body());
      }
    }
    try (RawHttp.Handshake tool = handshake("127.0.0.1", "Authorization: Bearer " + carol.token)) {
      assertEquals(101, tool.status(), "no Origin: a client that is not a browser");
    }
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    for (HttpResponse<String> r : List.of(
        call("GET", "/alive", null, Map.of()),
        call("GET", "/api/v1/me", null, Map.of()),
        call("GET", "/no/such/thing", null, Map.of()),
        call("POST", "/api/v1/auth/login", "{nope", Map.of()))) {
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), r.uri() + " " + r.statusCode());
      assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null));
      assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
    }
  }
}
