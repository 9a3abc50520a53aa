package parley.protocol;

/** v1.1: {@code POST /api/v1/rooms/{id}/kick}, {@code /ban}, {@code /unban}: whom, and why (optional). */
public record Moderation(String username, String reason) {}
