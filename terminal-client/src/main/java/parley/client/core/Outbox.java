package parley.client.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import parley.protocol.ClientFrame;

/**
 * Sends not yet acknowledged, in the order the user made them. Each keeps the clientMsgId it was made with, so
 * sending it again after a reconnect can only ever store it once: the room answers a repeated id with the seq it
 * already gave.
 */
public final class Outbox {

  /** One send; {@code retries} counts the server's "try again" answers; {@code replyTo}: the seq it answers or null. */
  public record Item(String room, String clientMsgId, String text, int retries, Long replyTo) {
    public Item(String room, String clientMsgId, String text, int retries) {
      this(room, clientMsgId, text, retries, null);
    }

    public ClientFrame.Send frame() {
      return new ClientFrame.Send(room, clientMsgId, text, replyTo);
    }
  }

  private final Map<String, Item> items = new LinkedHashMap<>();

  public void add(String room, String clientMsgId, String text) {
    add(room, clientMsgId, text, null);
  }

  public void add(String room, String clientMsgId, String text, Long replyTo) {
    items.put(clientMsgId, new Item(room, clientMsgId, text, 0, replyTo));
  }

  /** The item, now done with (acknowledged, seen stored, or given up on). */
  public Optional<Item> remove(String clientMsgId) {
    return Optional.ofNullable(items.remove(clientMsgId));
  }

  public Optional<Item> get(String clientMsgId) {
    return Optional.ofNullable(items.get(clientMsgId));
  }

  /** Count one more retry of the item and return it. */
  public Optional<Item> retried(String clientMsgId) {
    return Optional.ofNullable(items.computeIfPresent(
        clientMsgId, (id, item) -> new Item(item.room(), id, item.text(), item.retries() + 1, item.replyTo())));
  }

  /** Everything still owed, oldest first: what a new connection sends again. */
  public List<Item> items() {
    return new ArrayList<>(items.values());
  }

  /** Forget the sends to a room the user left. */
  public void dropRoom(String room) {
    items.values().removeIf(item -> item.room().equals(room));
  }

  public int size() {
    return items.size();
  }
}
