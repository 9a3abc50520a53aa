package parley.client.net;

/**
 * A failed call: the server's {@code {"error":{"code","message"}}} with its HTTP status, or status 0 with code
 * {@code unreachable} when no answer came at all.
 */
public final class ApiException extends RuntimeException {
  public static final String UNREACHABLE = "unreachable";

  private final int status;
  private final String code;
  private final Long lastSeq;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  /** {@code lastSeq}: with {@code cursor_ahead}, where the room's timeline ends on the server. */
  public ApiException(int status, String code, String message, Long lastSeq) {
    super(message);
    this.status = status;
    this.code = code;
    this.lastSeq = lastSeq;
  }

  public Long lastSeq() {
    return lastSeq;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The ApiException inside a future's failure, or an {@code unreachable} one describing it. */
  public static ApiException of(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && !(t instanceof ApiException)) {
      t = t.getCause();
    }
    if (t instanceof ApiException api) {
      return api;
    }
    String detail = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return new ApiException(0, UNREACHABLE, "cannot reach the server (" + detail + ")");
  }
}
