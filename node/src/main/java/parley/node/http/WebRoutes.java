package parley.node.http;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.coding.Coder;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web client's files (web/README.md): {@code /} is its page, {@code /static/*} the rest, from the node's jar or,
 * with {@code parley.web.dir} set, from that directory. The page gets a Content-Security-Policy of its own (scripts,
 * styles, images and connections from this node only, nothing inline); everything is revalidated on each load (ETag
 * and Last-Modified, 304 when unchanged: the file names carry no version, so they are never cached blind) and
 * compressed with gzip when the request says it takes it (as they are when it says nothing: Pekko's default would
 * compress then too, which curl and scripts do not expect).
 */
final class WebRoutes extends RouteSupport {
  static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:;"
      + " connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Content-Security-Policy", PAGE_POLICY),
      RawHeader.create("Cache-Control", "no-cache"));

  private final String dir;

  WebRoutes(ActorSystem<?> system) {
    super(system);
    this.dir = system.settings().config().getString("parley.web.dir");
  }

  Route routes() {
    // The paths first: a request for anything else (an API call the API refused) must not also collect a "GET only"
    // rejection here, which would change the API's own error answer.
    return concat(
        pathEndOrSingleSlash(() -> served(() -> dir.isEmpty()
            ? getFromResource("web/index.html") : getFromFile(dir + "/index.html"))),
        pathPrefix("static", () -> served(() -> dir.isEmpty() ? getFromResourceDirectory("web") : getFromDirectory(dir))));
  }

  private Route served(Supplier<Route> file) {
    // A NUL or another control character names no file: not found, before the file system is asked (which throws).
    return extractRequest(request -> StreamSupport.stream(
            request.getUri().pathSegments().spliterator(), false).anyMatch(s -> s.chars().anyMatch(c -> c < 0x20))
        ? notFound()
        : get(() -> respondWithHeaders(HEADERS, () -> encodeResponseWith(List.of(Coder.NoCoding, Coder.Gzip), file))));
  }
}
