package parley.client.core;

import java.util.Optional;
import java.util.UUID;
import parley.client.net.Link;
import parley.protocol.ClientFrame;
import parley.protocol.Message;

/**
 * What the user does to a message already in the room in view: answer it, edit or delete their own, react to any.
 * Edits, deletions and reactions go only while connected (they are not kept to be sent later, as messages are); the
 * entries the server makes of them show the change to everyone, this client included. Runs on the client's thread,
 * like {@link ChatClient}.
 */
public final class MessageActions {
  private final ChatClient client;
  private final ChatState state;
  private final Link link;

  MessageActions(ChatClient client) {
    this.client = client;
    this.state = client.state();
    this.link = client.link();
  }

  /** A message in the room in view answering the one at {@code seq}. */
  public void reply(long seq, String text) {
    client.inCurrentRoom(room -> client.send(room.id(), text, seq));
  }

  /** The text of your last message in the room in view, as it reads now (Up on an empty line edits it). */
  public Optional<String> lastOwnText() {
    return state.current().flatMap(room -> {
      Long seq = room.lastOwnMessage(state.me());
      return seq == null ? Optional.empty() : room.entry(seq).map(room::current).map(Message::text);
    });
  }

  /** Replaces the text of your last message in the room in view (the server answers with an edit entry). */
  public void edit(String text) {
    client.inCurrentRoom(room -> {
      Long seq = room.lastOwnMessage(state.me());
      if (seq == null) {
        client.notice("You have no message here to edit (only the ones this client holds).", true);
      } else if (text.isBlank()) {
        client.notice("An edit needs some text; /del deletes the message.", true);
      } else if (!state.link().online()) {
        client.notice("Not connected: edit again once the connection is back.", true);
      } else {
        link.send(new ClientFrame.Edit(room.id(), seq, text, UUID.randomUUID().toString()));
      }
    });
  }

  /** Deletes the message at {@code seq}, or your last one (null). */
  public void delete(Long seq) {
    client.inCurrentRoom(room -> {
      Long target = seq != null ? seq : room.lastOwnMessage(state.me());
      if (target == null) {
        client.notice("You have no message here to delete.", true);
      } else if (!state.link().online()) {
        client.notice("Not connected: delete again once the connection is back.", true);
      } else {
        link.send(new ClientFrame.Delete(room.id(), target, UUID.randomUUID().toString()));
      }
    });
  }

  /** Toggles your {@code emoji} on the message at {@code seq} in the room in view. */
  public void react(long seq, String emoji) {
    client.inCurrentRoom(room -> {
      if (!state.link().online()) {
        client.notice("Not connected: react again once the connection is back.", true);
      } else {
        link.send(new ClientFrame.React(room.id(), seq, emoji, UUID.randomUUID().toString()));
      }
    });
  }
}
