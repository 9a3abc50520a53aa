package parley.protocol;

import java.util.List;

/** A page of a room's timeline, ascending by seq; {@code hasMore} says whether the cursor's direction goes on. */
public record MessagePage(List<Message> messages, boolean hasMore) {}
