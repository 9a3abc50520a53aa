package parley.protocol;

/**
 * Body of {@code POST /api/v1/rooms}; passcode, capacity and visibility (v1.3: {@code public}, the default,
 * {@code unlisted} or {@code private}) are optional.
 */
public record CreateRoom(String name, String passcode, Integer capacity, String visibility) {
  public CreateRoom(String name, String passcode, Integer capacity) {
    this(name, passcode, capacity, null);
  }
}
