package parley.protocol;

/** Body of {@code POST /api/v1/auth/signup} and {@code POST /api/v1/auth/login}. */
public record Credentials(String username, String password) {}
