package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * v1.4: an invite link of a room. {@code token} is in the answer that made it and nowhere else, ever (the node keeps
 * only its hash); {@code id} names the link for listing and revoking. {@code maxUses} is absent for a link that admits
 * any number until it expires.
 */
public record InviteLinkView(String id, @JsonInclude(JsonInclude.Include.NON_NULL) String token, String roomId, String createdBy, Instant createdAt,
    Instant expiresAt, Integer maxUses, int uses) {
  public InviteLinkView {
    createdAt = Json.millis(createdAt);
    expiresAt = Json.millis(expiresAt);
  }

  /** {@code GET /api/v1/rooms/{id}/invite-links}: the room's links that stand, used-up ones included, oldest first. */
  public record Listing(List<InviteLinkView> links) {
    public Listing {
      links = List.copyOf(links);
    }
  }

  /**
   * {@code GET /api/v1/invites/{token}}: what a link's holder is shown before accepting: the room (id, name, kind),
   * who made the link, and until when it admits.
   */
  public record Preview(InviteList.RoomRef room, String from, Instant expiresAt) {
    public Preview {
      expiresAt = Json.millis(expiresAt);
    }
  }
}
