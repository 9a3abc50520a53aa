package parley.protocol;

/**
 * v1.1: {@code PATCH /api/v1/rooms/{id}}, by the owner or an admin: each field given changes (a null or missing one
 * stays). {@code passcode} {@code ""} removes it; {@code topic} {@code ""} clears it.
 */
public record RoomChange(String name, String topic, String passcode, Integer capacity) {}
