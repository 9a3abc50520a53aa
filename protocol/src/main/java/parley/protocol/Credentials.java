package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code POST /api/v1/auth/signup} and {@code POST /api/v1/auth/login}. {@code cookie} (v1.1, login only):
 * also set the token as an HttpOnly cookie, for a browser.
 */
public record Credentials(String username, String password, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean cookie) {
  public Credentials(String username, String password) {
    this(username, password, null);
  }
}
