package parley.client.core;

import java.time.Instant;

/** A line from the client itself (command feedback, errors), placed after the room's entry {@code afterSeq}. */
public record Notice(long afterSeq, Instant at, String text, boolean error) {}
