package parley.node.search;

/**
 * A search the node will not run, with its error code ({@code invalid_query}, {@code query_too_long},
 * {@code too_many_terms}) and a message for people that names the bad part or the limit. The only thing
 * {@link SearchQueryParser} throws, whatever the input.
 */
public final class QueryRefused extends RuntimeException {
  private final String code;

  QueryRefused(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** The error code, for the route's 400. */
  public String code() {
    return code;
  }
}
