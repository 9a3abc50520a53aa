package parley.node.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import parley.node.delivery.ClientSession.Command;
import parley.node.delivery.ClientSession.Inbound;
import parley.node.delivery.ClientSession.StreamAck;
import parley.node.room.TimelineEntry;
import parley.protocol.ClientFrame;
import parley.protocol.Json;
import parley.protocol.ServerFrame;

/**
 * Frames in: the socket's stream is acked one element at a time, so it reads the next frame only when this one is
 * handled, fewer than {@link ClientSession#MAX_IN_FLIGHT} sends wait for their room, and no pause is on. A pause
 * follows a send refused {@code rate_limited}: the client has nothing to send before then that could be stored, so a
 * flooder is slowed by TCP instead of costing the node a parse and an error frame per frame it pushes. Each frame is
 * parsed here and handed to the part that handles its type.
 */
final class Intake {
  private static final String UNKNOWN_TYPE =
      "a frame needs a \"type\" of send, read, delivered, typing, focus or ping";

  private final SessionCore core;
  private final Awareness awareness;
  final Sends sends;
  private ActorRef<StreamAck> ackTo;
  private boolean ackHeld;
  /** System.nanoTime() until which the socket is not read (0: no pause). */
  private long readPausedUntil;
  /** A frame the socket delivered during a pause, handled when it ends. */
  private Inbound heldFrame;

  Intake(SessionCore core, Awareness awareness) {
    this.core = core;
    this.awareness = awareness;
    this.sends = new Sends(core, this);
  }

  Behavior<Command> onStreamInit(ClientSession.StreamInit init) {
    ackTo = init.ackTo();
    init.ackTo().tell(StreamAck.INSTANCE);
    return Behaviors.same();
  }

  Behavior<Command> onStreamElement(ClientSession.StreamElement element) {
    ackTo = element.ackTo();
    if (readingPaused()) {
      // Pulled before the pause began: handled when it ends, and nothing more is read meanwhile.
      heldFrame = element.frame();
      ackHeld = true;
      return Behaviors.same();
    }
    return handleThenAck(element.frame());
  }

  private Behavior<Command> handleThenAck(Inbound frame) {
    Behavior<Command> next = handleFrame(frame);
    if (sends.inFlight() < ClientSession.MAX_IN_FLIGHT && !readingPaused()) {
      ackHeld = false;
      ackTo.tell(StreamAck.INSTANCE);
    } else {
      ackHeld = true;
    }
    return next;
  }

  private Behavior<Command> handleFrame(Inbound frame) {
    if (frame instanceof Inbound.TooBig) {
      return core.closeWith(1009, "frame over 64 KiB");
    }
    if (frame instanceof Inbound.Binary) {
      return core.error("invalid_frame", "binary frames are not supported; send JSON text frames", null);
    }
    String text = ((Inbound.Text) frame).text();
    ClientFrame parsed;
    try {
      parsed = Json.mapper().readValue(text, ClientFrame.class);
    } catch (InvalidTypeIdException e) {
      return core.error("unknown_type", UNKNOWN_TYPE, null);
    } catch (MismatchedInputException e) {
      if (e.getPath().isEmpty() && e.getMessage() != null && e.getMessage().startsWith("Trailing token")) {
        return core.error("invalid_json", "the frame is not valid JSON: one object, nothing after it", null);
      }
      // A field of the frame's own (unknown ones are ignored) holding the wrong kind of value: named, as it is ours.
      String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
      return core.error("invalid_frame", field == null ? "a frame is one JSON object with a \"type\""
          : "\"" + field + "\" holds the wrong kind of value for this frame (see docs/protocol.md)", null);
    } catch (JsonProcessingException e) {
      return core.error("invalid_json", "the frame is not valid JSON", null);
    }
    return dispatch(parsed);
  }

  private Behavior<Command> dispatch(ClientFrame parsed) {
    if (parsed instanceof ClientFrame.Ping) {
      core.write(new ServerFrame.Pong());
      return Behaviors.same();
    } else if (parsed instanceof ClientFrame.Send send) {
      return sends.onSend(send, TimelineEntry.MESSAGE, null);
    } else if (parsed instanceof ClientFrame.Read read) {
      return awareness.onRead(read);
    } else if (parsed instanceof ClientFrame.Typing typing) {
      return awareness.onTyping(typing);
    } else if (parsed instanceof ClientFrame.Delivered delivered) {
      return awareness.onDelivered(delivered);
    } else if (parsed instanceof ClientFrame.Focus focus) {
      return awareness.onFocus(focus);
    } else if (parsed instanceof ClientFrame.Edit e) {
      if (e.seq() == null) {
        return core.error("invalid_frame", "edit needs a room, a seq, a text and a clientMsgId", e.clientMsgId());
      }
      return sends.onSend(new ClientFrame.Send(e.room(), e.clientMsgId(), e.text()), TimelineEntry.EDIT, e.seq());
    } else if (parsed instanceof ClientFrame.Delete d) {
      if (d.seq() == null) {
        return core.error("invalid_frame", "delete needs a room, a seq and a clientMsgId", d.clientMsgId());
      }
      return sends.onSend(new ClientFrame.Send(d.room(), d.clientMsgId(), null), TimelineEntry.DELETE, d.seq());
    } else if (parsed instanceof ClientFrame.React r) {
      if (r.seq() == null || r.emoji() == null) {
        return core.error("invalid_frame", "react needs a room, a seq and an emoji", r.clientMsgId());
      }
      // Without a clientMsgId a reaction is not deduplicated (the ack then names one made here).
      String id = r.clientMsgId() != null ? r.clientMsgId() : "react-" + UUID.randomUUID();
      return sends.onSend(new ClientFrame.Send(r.room(), id, r.emoji()), TimelineEntry.REACTION, r.seq());
    }
    return core.error("unknown_type", UNKNOWN_TYPE, null);
  }

  boolean readingPaused() {
    return readPausedUntil != 0 && readPausedUntil - System.nanoTime() > 0;
  }

  /** How long the pause still runs, at least 1 ms; asked while {@link #readingPaused()}. */
  long pauseLeftMillis() {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(readPausedUntil - System.nanoTime()));
  }

  /** Reads nothing more from the socket for {@code millis} (the frames already read are handled). */
  void pauseReading(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    if (readPausedUntil == 0 || until - readPausedUntil > 0) {
      readPausedUntil = until;
      core.timers.startSingleTimer(ClientSession.ResumeReading.INSTANCE, Duration.ofMillis(millis));
    }
  }

  Behavior<Command> onResumeReading() {
    if (readingPaused()) {
      core.timers.startSingleTimer(ClientSession.ResumeReading.INSTANCE,
          Duration.ofNanos(Math.max(1_000_000, readPausedUntil - System.nanoTime())));
    } else {
      readPausedUntil = 0;
      if (heldFrame != null) {
        Inbound frame = heldFrame;
        heldFrame = null;
        return handleThenAck(frame);
      }
      settled();
    }
    return Behaviors.same();
  }

  /** A send was answered or given up on: the socket may read the next frame if it waited for that. */
  void settled() {
    // A frame held through a pause is handled by ResumeReading first (its timer runs while the frame waits).
    if (ackHeld && heldFrame == null && sends.inFlight() < ClientSession.MAX_IN_FLIGHT && !readingPaused()) {
      ackHeld = false;
      ackTo.tell(StreamAck.INSTANCE);
    }
  }
}
