package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code POST /api/v1/auth/signup} and {@code POST /api/v1/auth/login}. {@code cookie} (v1.1, login only):
 * also set the token as an HttpOnly cookie, for a browser. {@code invite} (v1.4, sign-up only): an invitation an admin
 * made, on a server whose sign-up takes one.
 */
public record Credentials(String username, String password, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean cookie,
    @JsonInclude(JsonInclude.Include.NON_NULL) String invite) {
  public Credentials(String username, String password) {
    this(username, password, null, null);
  }

  public Credentials(String username, String password, Boolean cookie) {
    this(username, password, cookie, null);
  }
}
