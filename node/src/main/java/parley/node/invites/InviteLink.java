package parley.node.invites;

import java.time.Instant;

/**
 * One invite link as its table keeps it: never its token, which only its maker is shown, once.
 *
 * @param maxUses how many joins it admits; null: any number until it expires
 * @param revokedAt when an admin revoked it; null while it stands
 */
public record InviteLink(String id, String roomId, String createdBy, Instant createdAt, Instant expiresAt,
    Integer maxUses, int uses, Instant revokedAt) {

  /** Why a link admits nobody now, or null if it still admits. */
  public String spentBecause(Instant now) {
    if (revokedAt != null) {
      return "the invite link was revoked";
    }
    if (!expiresAt.isAfter(now)) {
      return "the invite link expired";
    }
    if (maxUses != null && uses >= maxUses) {
      return "the invite link was used up (" + maxUses + (maxUses == 1 ? " use)" : " uses)");
    }
    return null;
  }
}
