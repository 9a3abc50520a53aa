package parley.protocol;

import java.util.List;

/**
 * v1.4: {@code GET /api/v1/users?q=}: the listed accounts whose name starts with {@code q}, by name, with presence;
 * {@code next} is the {@code after} of the next page, or null.
 */
public record UserDirectory(List<UserPresence> users, String next) {
  public UserDirectory {
    users = List.copyOf(users);
  }

  /** {@code GET} and {@code PUT /api/v1/me/directory}: whether the user is found in the directory. */
  public record Listing(Boolean listed) {}
}
