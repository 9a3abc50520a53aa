package parley.client.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import parley.client.net.ApiException;
import parley.protocol.ClientFrame;
import parley.protocol.Limits;
import parley.protocol.Message;
import parley.protocol.ServerFrame;

/**
 * The user's messages on their way: each shows as pending in its room at once and waits in the {@link Outbox} with
 * the clientMsgId it was made with until its ack, or its entry, comes. Every {@code hello} sends all that are owed
 * again with their original ids, so a send whose ack was lost is stored once; the server's "try again" answers send
 * one again after a while, and its refusals mark it failed. Runs on the client's thread, like {@link ChatClient}.
 */
final class Sends {
  private static final int MEMBERSHIP_RETRIES = 3;

  private final ChatClient client;
  private final ChatState state;
  private final Outbox outbox = new Outbox();
  private final Map<String, CompletableFuture<Message>> acks = new HashMap<>();

  Sends(ChatClient client) {
    this.client = client;
    this.state = client.state();
  }

  /** Sends still waiting for their ack. */
  int owed() {
    return outbox.size();
  }

  /** A message, pending at once; {@code replyTo}: the seq it answers, or null. Done once the server stored it. */
  CompletableFuture<Message> send(String roomId, String text, Long replyTo) {
    RoomState room = state.room(roomId).orElse(null);
    if (room == null) {
      return CompletableFuture.failedFuture(new ApiException(403, "not_a_member", "you are not in room " + roomId));
    }
    if (text.isBlank()) {
      return CompletableFuture.failedFuture(new ApiException(400, "invalid_message", "the message is empty"));
    }
    if (text.length() > Limits.MESSAGE_MAX_CHARS) {
      String why = "the message has " + text.length() + " characters; the limit is " + Limits.MESSAGE_MAX_CHARS;
      client.notice(why, true);
      return CompletableFuture.failedFuture(new ApiException(400, "invalid_message", why));
    }
    String clientMsgId = UUID.randomUUID().toString();
    room.addPending(clientMsgId, text, client.clock().instant());
    outbox.add(roomId, clientMsgId, text, replyTo);
    CompletableFuture<Message> acked = new CompletableFuture<>();
    acks.put(clientMsgId, acked);
    if (state.link().online()) {
      client.link().send(new ClientFrame.Send(roomId, clientMsgId, text, replyTo));
    }
    client.changed();
    return acked;
  }

  /** A new connection: everything still owed goes again, oldest first, each with its own clientMsgId. */
  void resendAll() {
    for (Outbox.Item item : outbox.items()) {
      client.link().send(item.frame());
    }
  }

  /** Forget what was to be sent to a room the user is no longer in. */
  void dropRoom(String roomId) {
    outbox.dropRoom(roomId);
  }

  void onAck(ServerFrame.Ack ack) {
    outbox.remove(ack.clientMsgId());
    state.room(ack.room()).ifPresent(room -> room.acked(ack.clientMsgId(), ack.seq(), ack.sentAt(), state.me()));
    CompletableFuture<Message> waiting = acks.remove(ack.clientMsgId());
    if (waiting != null) {
      waiting.complete(state.room(ack.room()).flatMap(r -> r.entry(ack.seq())).orElse(null));
    }
    client.changed();
  }

  void onError(ServerFrame.Error error) {
    var item = error.ref() == null ? null : outbox.get(error.ref()).orElse(null);
    if (item == null) {
      // A marker the connection's bucket dropped: the next one (markers are cumulative) says it all. A marker, typing
      // or focus frame that crossed the room's removal (left on another device, kicked, deleted): that has a notice
      // of its own, in words. Nothing to show for either.
      if (!"rate_limited".equals(error.code()) && !"not_a_member".equals(error.code())
          && !"no_such_room".equals(error.code())) {
        client.notice(error.message(), true);
      }
      return;
    }
    if ("rate_limited".equals(error.code())) {
      // Sending faster than the user's limit. The send stays pending and goes again, same clientMsgId, when the
      // server said; the user sees it pending meanwhile, not failed.
      outbox.retried(item.clientMsgId());
      long ms = error.retryAfterMs() == null
          ? client.options().retryDelay().toMillis() : Math.max(1, error.retryAfterMs());
      client.scheduler().schedule(Duration.ofMillis(ms), () -> resend(item.clientMsgId()));
      return;
    }
    boolean retry = "unavailable".equals(error.code())
        || ("not_a_member".equals(error.code()) && item.retries() < MEMBERSHIP_RETRIES);
    if (retry) {
      outbox.retried(item.clientMsgId());
      client.scheduler().schedule(client.options().retryDelay(), () -> resend(item.clientMsgId()));
      return;
    }
    outbox.remove(item.clientMsgId());
    state.room(item.room()).ifPresent(room -> room.fail(item.clientMsgId(), error.message()));
    CompletableFuture<Message> waiting = acks.remove(item.clientMsgId());
    if (waiting != null) {
      waiting.completeExceptionally(new ApiException(0, error.code(), error.message()));
    }
    client.changed();
  }

  private void resend(String clientMsgId) {
    outbox.get(clientMsgId).ifPresent(item -> {
      if (state.link().online()) {
        client.link().send(item.frame());
      }
    });
  }

  /** Entries seen stored: sends of ours among them are done, whether or not their ack ever comes. */
  void settled(List<Message> entries) {
    for (Message m : entries) {
      if (m.clientMsgId() != null && state.me().equals(m.sender()) && outbox.remove(m.clientMsgId()).isPresent()) {
        CompletableFuture<Message> waiting = acks.remove(m.clientMsgId());
        if (waiting != null) {
          waiting.complete(m);
        }
      }
    }
  }
}
