package parley.protocol;

/**
 * v1.1: {@code GET /api/v1/me/settings}, and the body of {@code PATCH /api/v1/me/settings} (a field left out is left as
 * it is). {@code readReceipts}: whether others see the user's read marker (default true).
 */
public record UserSettings(Boolean readReceipts) {}
