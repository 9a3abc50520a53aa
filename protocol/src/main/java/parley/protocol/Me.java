package parley.protocol;

import java.util.List;

/** {@code GET /api/v1/me}. */
public record Me(String username, List<RoomSummary> rooms) {}
