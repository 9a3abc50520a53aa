package parley.node.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import parley.protocol.Json;

/** A plain HTTP client speaking protocol v1, as any user's tool would (java.net.http, JSON by hand). */
public final class ApiClient {
  public record Reply(int status, JsonNode body) {
    public String code() {
      return body.path("error").path("code").asText(null);
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  public final String base;
  public String token;
  public String username;
  /** How long one request may take; a retrying client sets it short and resends with the same clientMsgId. */
  public Duration timeout = Duration.ofSeconds(20);

  public ApiClient(String base) {
    this.base = base;
  }

  /** A new user, signed up and logged in; the name is unique per call so tests never collide. */
  public ApiClient newUser(String prefix) {
    String name = (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
    RunLog.secret("correct horse");
    Reply signup = post("/api/v1/auth/signup", "{\"username\":\"" + name + "\",\"password\":\"correct horse\"}");
    if (signup.status() != 201) {
      throw new IllegalStateException("signup failed: " + signup);
    }
    ApiClient user = new ApiClient(base);
    user.login(name, "correct horse");
    return user;
  }

  public Reply login(String name, String password) {
    Reply r = post("/api/v1/auth/login", "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"}");
    RunLog.secret(password);
    if (r.status() == 200) {
      token = r.body().get("token").asText();
      RunLog.secret(token);
      username = r.body().get("username").asText();
    }
    return r;
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Reply post(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A POST of raw bytes in {@code contentType} (a file). */
  public Reply postBytes(String path, byte[] bytes, String contentType) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
  }

  public Reply patch(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  public Reply put(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .method("PUT", HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A DELETE with a JSON body (closing an account carries its password). */
  public Reply delete(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofString(json)));
  }

  public Reply method(String method, String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  public ApiClient withToken(String token) {
    this.token = token;
    return this;
  }

  public String createRoom(String json) {
    Reply r = post("/api/v1/rooms", json);
    if (r.status() != 201) {
      throw new IllegalStateException("create failed: " + r);
    }
    return r.body().get("id").asText();
  }

  private Reply send(HttpRequest.Builder request) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      return new Reply(response.statusCode(), body.isEmpty() ? Json.mapper().nullNode() : Json.mapper().readTree(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
