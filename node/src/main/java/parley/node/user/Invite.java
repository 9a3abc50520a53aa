package parley.node.user;

import java.time.Instant;
import parley.node.CborSerializable;

/**
 * An invitation waiting for the user's answer: to the room {@code roomId} of {@code kind} (a group DM opened by
 * someone who shares no room with them), named {@code name}, from {@code from}, since {@code at}. Until it is accepted
 * the room is not in the user's list and sends them nothing, notifications included.
 */
public record Invite(String roomId, String kind, String name, String from, Instant at) implements CborSerializable {}
