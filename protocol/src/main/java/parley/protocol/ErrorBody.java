package parley.protocol;

/** Every HTTP error: {@code {"error":{"code":"snake_case","message":"human text"}}}. */
public record ErrorBody(Detail error) {
  public record Detail(String code, String message) {}

  public static ErrorBody of(String code, String message) {
    return new ErrorBody(new Detail(code, message));
  }
}
