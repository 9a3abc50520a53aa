package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A room member with presence; {@code lastSeen} is null for a user never seen. {@code role} (v1.1): {@code owner},
 * {@code admin} or {@code member}.
 */
public record Member(String username, boolean online, Instant lastSeen,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    String role) {
  public Member(String username, boolean online, Instant lastSeen) {
    this(username, online, lastSeen, null);
  }
}
