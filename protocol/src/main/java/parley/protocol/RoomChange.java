package parley.protocol;

/**
 * v1.1: {@code PATCH /api/v1/rooms/{id}}, by the owner or an admin: each field given changes (a null or missing one
 * stays). {@code passcode} {@code ""} removes it; {@code topic} {@code ""} clears it. {@code retention} (the owner
 * only): {@code {"maxMessages":N}} or {@code {"maxAgeDays":D}}; {@code {}} keeps everything again. {@code visibility}
 * (v1.3): {@code public}, {@code unlisted} or {@code private}. {@code membersInvite} (v1.4): true lets every member
 * invite and make invite links, false keeps that to the owner and admins.
 */
public record RoomChange(String name, String topic, String passcode, Integer capacity, Retention retention,
    String visibility, Boolean membersInvite) {
  public RoomChange(String name, String topic, String passcode, Integer capacity, Retention retention,
      String visibility) {
    this(name, topic, passcode, capacity, retention, visibility, null);
  }

  public RoomChange(String name, String topic, String passcode, Integer capacity) {
    this(name, topic, passcode, capacity, null, null);
  }

  public RoomChange(String name, String topic, String passcode, Integer capacity, Retention retention) {
    this(name, topic, passcode, capacity, retention, null);
  }
}
