package parley.protocol;

/** Body of {@code POST /api/v1/rooms/{id}/messages}. */
public record PostMessage(String clientMsgId, String text) {}
