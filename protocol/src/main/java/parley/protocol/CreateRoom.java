package parley.protocol;

/** Body of {@code POST /api/v1/rooms}; passcode and capacity are optional. */
public record CreateRoom(String name, String passcode, Integer capacity) {}
