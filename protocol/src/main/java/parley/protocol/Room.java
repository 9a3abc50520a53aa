package parley.protocol;

import java.util.List;

/** A room in full. {@code kind} is {@code "room"} or {@code "dm"}; {@code passcode} says whether one is needed. */
public record Room(
    String id,
    String name,
    String kind,
    String owner,
    int capacity,
    boolean passcode,
    long lastSeq,
    List<Member> members) {}
