package parley.protocol;

/** Body of {@code POST /api/v1/rooms/{id}/read}. */
public record MarkRead(Long seq) {}
