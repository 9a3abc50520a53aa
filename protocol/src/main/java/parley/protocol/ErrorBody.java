package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Every HTTP error: {@code {"error":{"code":"snake_case","message":"human text"}}}, and for some codes a field more
 * that says what to do next (left out where it does not apply).
 */
public record ErrorBody(Detail error) {
  /**
   * {@code lastSeq}: with {@code cursor_ahead}, where the room's timeline ends. {@code retryAfterMs}: with
   * {@code rate_limited}, how long to wait before trying again (the response's Retry-After says it in seconds).
   */
  public record Detail(String code, String message, @JsonInclude(JsonInclude.Include.NON_NULL) Long lastSeq,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long retryAfterMs) {
    public Detail(String code, String message) {
      this(code, message, null, null);
    }
  }

  /** Too many calls of a kind: try again in {@code retryAfterMs}. */
  public static ErrorBody rateLimited(String message, long retryAfterMs) {
    return new ErrorBody(new Detail("rate_limited", message, null, retryAfterMs));
  }

  public static ErrorBody of(String code, String message) {
    return new ErrorBody(new Detail(code, message));
  }

  /** A resume point past the room's end: the client drops what it holds of the room above {@code lastSeq}. */
  public static ErrorBody cursorAhead(long after, long lastSeq) {
    return new ErrorBody(new Detail("cursor_ahead",
        "after=" + after + " is past this room's last seq " + lastSeq
            + ": the server does not have entries you have seen; drop what you hold of this room and read it again",
        lastSeq, null));
  }
}
