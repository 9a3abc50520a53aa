package parley.protocol;

import java.time.Instant;
import java.util.List;

/** v1.4: the wire types of {@code /api/v1/admin}, for a server's admins. */
public final class Admin {
  private Admin() {}

  /**
   * An account as an admin sees it. {@code createdAt}: null for one made before the server listed accounts;
   * {@code closed}: its owner closed it; {@code deactivated}: an admin turned it off.
   */
  public record User(String username, Instant createdAt, boolean admin, boolean deactivated, boolean closed,
      boolean online, Instant lastSeen) {
    public User {
      createdAt = Json.millis(createdAt);
      lastSeen = Json.millis(lastSeen);
    }
  }

  /** {@code GET /api/v1/admin/users}: by name; {@code next} is the {@code after} of the next page, or null. */
  public record Users(List<User> users, String next) {
    public Users {
      users = List.copyOf(users);
    }
  }

  /** {@code GET} and {@code PATCH /api/v1/admin/settings}: who may sign up: {@code open}, {@code invite} or {@code closed}. */
  public record Settings(String signup) {}

  /**
   * {@code POST /api/v1/admin/invites}: an invitation to sign up, for a server whose policy is {@code invite}. The
   * {@code token} is in this answer only (the node keeps its hash).
   */
  public record SignupInvite(String token, Instant expiresAt, Integer maxUses) {
    public SignupInvite {
      expiresAt = Json.millis(expiresAt);
    }
  }

  /** One act of the audit log: who did what to whom, in which room, when, from which address. */
  public record AuditEntry(long id, Instant at, String actor, String action, String target, String room,
      String detail, String address) {
    public AuditEntry {
      at = Json.millis(at);
    }
  }

  /** {@code GET /api/v1/admin/audit}: newest first; {@code next} is the {@code before} of the next page, or null. */
  public record Audit(List<AuditEntry> entries, Long next) {
    public Audit {
      entries = List.copyOf(entries);
    }
  }
}
