package parley.node.delivery;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import parley.node.Validation;
import parley.node.delivery.ClientSession.Command;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount;
import parley.protocol.ClientFrame;
import parley.protocol.ServerFrame;

/**
 * The session's sends in flight: each goes through the user's entity to its room, and each gets one answer on the
 * socket, its {@code ack} or its error (the room's refusal, or {@code unavailable} once its deadline passed). The
 * answer is written before the send is settled, so the socket reads on only after the client has it.
 */
final class Sends {
  private final SessionCore core;
  private final Intake intake;
  /** Sends in flight (at most {@link ClientSession#MAX_IN_FLIGHT}), with one timer for the oldest one's deadline. */
  private final SendsInFlight unanswered = new SendsInFlight();
  /** Where the rooms answer this session's sends; one address for its whole life. */
  private final ActorRef<ChatRoom.SendOutcome> sendOutcomes;

  Sends(SessionCore core, Intake intake) {
    this.core = core;
    this.intake = intake;
    this.sendOutcomes = core.context.messageAdapter(ChatRoom.SendOutcome.class, ClientSession.SendAnswered::new);
  }

  int inFlight() {
    return unanswered.size();
  }

  /** A send, or an edit, a delete or a reaction of the message at {@code target}: the same path, the same ack. */
  Behavior<Command> onSend(ClientFrame.Send send, String kind, Long target) {
    // The room decides the rest where it takes the seq (the text, membership, dedupe, the target): a room joined a
    // moment ago over HTTP may not be tracked here yet. Here only the address: which room to send it to.
    if (send.room() == null) {
      return core.error("invalid_frame", "send needs a room, a clientMsgId and a text", send.clientMsgId());
    }
    if (!Validation.isValidRoomId(send.room())) {
      return core.error("no_such_room", "there is no such room", send.clientMsgId());
    }
    if (intake.readingPaused()) {
      core.metrics.rateLimited("messages");
      // Read before the pause began (frames in the socket's pipeline): the user's bucket is empty until then.
      long wait = intake.pauseLeftMillis();
      return SessionCore.sameIf(core.write(new ServerFrame.Error("rate_limited", "you are sending faster than your "
          + "limit (parley.limits.messages); send again in " + wait + " ms with the same clientMsgId",
          send.clientMsgId(), wait)));
    }
    long timeout = core.settings.askTimeout().toNanos();
    unanswered.add(send.room(), send.clientMsgId(), System.nanoTime() + timeout);
    if (!core.timers.isTimerActive(ClientSession.SendDeadline.INSTANCE)) {
      core.timers.startSingleTimer(ClientSession.SendDeadline.INSTANCE, core.settings.askTimeout());
    }
    // Through the user's entity, the gate of every send: the user's message bucket over all their connections and
    // nodes.
    core.user().tell(new UserAccount.SendThrough(send.room(),
        new ChatRoom.Send(core.username, send.clientMsgId(), send.text(), sendOutcomes, kind, target,
            send.replyTo())));
    return Behaviors.same();
  }

  Behavior<Command> onSendAnswered(ClientSession.SendAnswered answer) {
    ChatRoom.SendOutcome outcome = answer.outcome();
    if (outcome instanceof ChatRoom.SendAdmitted) {
      return Behaviors.same(); // the answer to an upload's admission, which a session never asks
    }
    // The oldest such send (a resend may be in flight with its first copy): answers come mostly in order, so near
    // the head.
    SendsInFlight.Send inFlight = unanswered.answered(outcome.roomId(), outcome.clientMsgId());
    if (inFlight == null) {
      // Answered after its timeout: the client was told to send again, and a resend gets this seq.
      return Behaviors.same();
    }
    if (outcome instanceof ChatRoom.SendStored stored) {
      core.metrics.ackTook(System.nanoTime() - (inFlight.deadline() - core.settings.askTimeout().toNanos()));
      core.write(new ServerFrame.Ack(stored.clientMsgId(), stored.roomId(), stored.seq(), stored.sentAt()));
      intake.settled();
      return Behaviors.same();
    }
    ChatRoom.SendRefused refused = (ChatRoom.SendRefused) outcome;
    boolean open = core.write(
        new ServerFrame.Error(refused.code(), refused.message(), refused.clientMsgId(), refused.retryAfterMs()));
    // Settled before the pause: the frame the socket reads next is held through it (Intake), not left unread.
    intake.settled();
    if ("rate_limited".equals(refused.code()) && refused.retryAfterMs() != null) {
      intake.pauseReading(refused.retryAfterMs());
    }
    return SessionCore.sameIf(open);
  }

  Behavior<Command> onSendDeadline() {
    long now = System.nanoTime();
    SendsInFlight.Send oldest;
    while ((oldest = unanswered.overdue(now)) != null) {
      if (!core.write(new ServerFrame.Error(
          "unavailable", "the room did not answer in time; send again with the same clientMsgId",
          oldest.clientMsgId()))) {
        return Behaviors.stopped();
      }
      intake.settled();
    }
    unanswered.nextDeadline(now).ifPresent(in -> core.timers.startSingleTimer(ClientSession.SendDeadline.INSTANCE, in));
    return Behaviors.same();
  }
}
