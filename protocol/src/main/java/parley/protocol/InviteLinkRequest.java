package parley.protocol;

/**
 * v1.4: body of {@code POST /api/v1/rooms/{id}/invite-links}: how many joins the link admits ({@code maxUses}, absent:
 * any number) and for how many seconds from now ({@code expiresIn}, absent: the node's default, 7 days).
 */
public record InviteLinkRequest(Integer maxUses, Long expiresIn) {}
