package parley.protocol;

/** Body of {@code POST /api/v1/rooms/{id}/join}; the passcode only for rooms that have one. */
public record JoinRoom(String passcode) {}
