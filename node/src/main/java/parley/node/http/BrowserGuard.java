package parley.node.http;

import com.typesafe.config.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SameSite;

/**
 * What keeps a browser's session safe: which page origins may open a WebSocket or make cookie-authenticated calls
 * (the node's own, and {@code parley.http.allowed-origins}), the session cookie (HttpOnly, SameSite=Strict, Secure
 * behind TLS), and the security headers every response carries.
 */
final class BrowserGuard {
  static final String COOKIE = "parley_token";

  /** On every response: no sniffing, no referrer, no framing, and no page content but what the node serves itself. */
  static final List<RawHeader> SECURITY_HEADERS = List.of(
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      RawHeader.create("X-Frame-Options", "DENY"),
      RawHeader.create("Content-Security-Policy",
          "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"));

  private final Set<String> allowed;
  private final String secureCookies;
  private final Duration cookieLife;

  BrowserGuard(Config config) {
    this.allowed = config.getStringList("parley.http.allowed-origins").stream()
        .map(BrowserGuard::normalized).flatMap(Optional::stream).collect(Collectors.toUnmodifiableSet());
    this.secureCookies = config.getString("parley.http.secure-cookies");
    this.cookieLife = config.getDuration("parley.auth.token-ttl");
    if (!Set.of("auto", "on", "off").contains(secureCookies)) {
      throw new IllegalArgumentException("parley.http.secure-cookies is auto, on or off, not " + secureCookies);
    }
  }

  /** {@code scheme://host[:port]} in lower case, the default port left out; empty if it is no origin. */
  static Optional<String> normalized(String origin) {
    try {
      URI uri = new URI(origin.trim());
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))
          || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
        return Optional.empty();
      }
      int port = uri.getPort();
      boolean defaultPort = port == -1 || (port == 80 && scheme.equals("http")) || (port == 443 && scheme.equals("https"));
      return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /**
   * A request's {@code Origin} is acceptable: on the allowlist, or the node's own (the same host and port as the
   * request's {@code Host}). {@code absentOk}: a request without one (what non-browser clients send) passes.
   */
  boolean originAllowed(HttpRequest request, boolean absentOk) {
    Optional<String> header = request.getHeader("Origin").map(h -> h.value());
    if (header.isEmpty()) {
      return absentOk;
    }
    Optional<String> origin = normalized(header.get());
    if (origin.isEmpty()) {
      return false; // "null" (a sandboxed or file page), or garbage
    }
    if (allowed.contains(origin.get())) {
      return true;
    }
    Optional<String> host = request.getHeader("Host").map(h -> h.value().toLowerCase(Locale.ROOT));
    // The node's own origin, in either scheme (behind a proxy the node cannot tell which the browser used).
    return host.isPresent() && (origin.equals(normalized("http://" + host.get()))
        || origin.equals(normalized("https://" + host.get())));
  }

  /** A method that changes something: a cookie-authenticated one must come from an allowed origin. */
  static boolean unsafe(HttpRequest request) {
    var m = request.method();
    return !(m.equals(HttpMethods.GET) || m.equals(HttpMethods.HEAD) || m.equals(HttpMethods.OPTIONS));
  }

  /** The session cookie for {@code token}: HttpOnly, SameSite=Strict, for /api, Secure when the client used TLS. */
  HttpCookie sessionCookie(String token, HttpRequest request) {
    return HttpCookie.create(COOKIE, token)
        .withPath("/api")
        .withHttpOnly(true)
        .withSameSite(SameSite.Strict)
        .withMaxAge(cookieLife.toSeconds())
        .withSecure(secure(request));
  }

  /** The same cookie, expired: logout. */
  HttpCookie clearedCookie(HttpRequest request) {
    return HttpCookie.create(COOKIE, "").withPath("/api").withHttpOnly(true).withSameSite(SameSite.Strict)
        .withMaxAge(0).withSecure(secure(request));
  }

  private boolean secure(HttpRequest request) {
    return switch (secureCookies) {
      case "on" -> true;
      case "off" -> false;
      default -> "https".equalsIgnoreCase(request.getUri().getScheme()) || ConnectionGuard.forwardedHttps(request);
    };
  }

  static HttpResponse withSecurityHeaders(HttpResponse response) {
    HttpResponse out = response;
    for (RawHeader h : SECURITY_HEADERS) {
      if (out.getHeader(h.name()).isEmpty()) {
        out = out.addHeader(h);
      }
    }
    return out;
  }
}
