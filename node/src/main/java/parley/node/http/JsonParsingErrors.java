package parley.node.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ParserSettings;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Requests too malformed to reach the routes (a request line or headers over their limits, a head that does not
 * parse) get the protocol's JSON error body too, each limit with its own code and number, instead of Pekko's plain
 * text. Nothing of the request is echoed or logged: a header that does not parse may be an Authorization header.
 * Configured as {@code pekko.http.server.parsing.error-handler}.
 */
public final class JsonParsingErrors extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    ParserSettings p = settings.parserSettings();
    return switch (status.intValue()) {
      case 414 -> RouteSupport.errorResponse(StatusCodes.URI_TOO_LONG, "uri_too_long",
          "the request line is longer than " + p.maxUriLength() + " bytes");
      case 431 -> RouteSupport.errorResponse(StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
          "at most " + p.maxHeaderCount() + " headers, each value at most " + p.maxHeaderValueLength() + " bytes");
      case 413 -> RouteSupport.errorResponse(StatusCodes.PAYLOAD_TOO_LARGE, "body_too_large",
          "the body is larger than " + p.maxContentLength() + " bytes");
      default -> RouteSupport.errorResponse(StatusCodes.get(status.intValue()), "invalid_request",
          "the request could not be read as HTTP/1.1");
    };
  }
}
