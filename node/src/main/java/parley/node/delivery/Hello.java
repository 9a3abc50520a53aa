package parley.node.delivery;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import parley.node.delivery.ClientSession.Command;
import parley.node.user.UserAccount;
import parley.protocol.RoomSummary;
import parley.protocol.ServerFrame;

/**
 * The hello sequence: once the user's entity accepted the session, the hub follows every room and the summaries are
 * asked at the same time; {@code hello} goes when both are there (or the rooms that did not confirm are given up on),
 * then each room's cursor starts where the client resumes, and what waited for hello is handled.
 */
final class Hello {
  private final SessionCore core;
  private final UserLink userLink;
  private final RoomCursors cursors;
  private final StashBuffer<Command> stash;
  private final Behavior<Command> running;
  /** Rooms the hub does not follow yet, and the highest seq heard of each room (hub or live entry). */
  private final Set<String> unconfirmed = new HashSet<>();
  private final Map<String, Long> heardBeforeHello = new HashMap<>();
  private ClientSession.HelloReady helloReady;
  private boolean helloDeadlinePassed;
  /** The user's unread notifications as they registered, for hello. */
  private long notificationsAtHello;

  Hello(SessionCore core, UserLink userLink, RoomCursors cursors, StashBuffer<Command> stash,
      Behavior<Command> running) {
    this.core = core;
    this.userLink = userLink;
    this.cursors = cursors;
    this.stash = stash;
    this.running = running;
  }

  /**
   * Asks for the hello's summaries and, at the same time, has the node's hub follow every room. Hello waits for
   * both: a room reports presence changes only to hubs it has confirmed, so a change made after hello reaches this
   * connection, and a client that reads members after hello misses none.
   */
  Behavior<Command> onRegistered(ClientSession.Registered msg) {
    if (!(msg.result() instanceof UserAccount.Accepted accepted)) {
      return core.closeWith(msg.failure() == null ? 4001 : 1011, msg.failure() == null ? "logged out" : "try again");
    }
    userLink.accepted(accepted);
    notificationsAtHello = accepted.notifications();
    core.blocks(accepted.blocks());
    Set<String> memberOf = accepted.rooms().keySet();
    unconfirmed.addAll(memberOf);
    for (String roomId : memberOf) {
      core.hub.tell(new RoomHub.Subscribe(roomId, core.self(), core.username));
    }
    // A room that does not answer holds hello no longer than its summary would.
    core.timers.startSingleTimer(ClientSession.HelloDeadline.INSTANCE, core.settings.askTimeout());
    CompletionStage<List<RoomSummary>> all =
        RoomSummaries.of(core.sharding, core.username, accepted.rooms(), core.blocks(),
            core.settings.askTimeout());
    core.context.pipeToSelf(all,
        (list, failure) -> new ClientSession.HelloReady(failure == null ? list : List.of(), memberOf));
    return Behaviors.same();
  }

  Behavior<Command> onSyncedBeforeHello(ClientSession.RoomSynced synced) {
    heardBeforeHello.merge(synced.roomId(), synced.lastSeq(), Math::max);
    unconfirmed.remove(synced.roomId());
    return helloIfReady();
  }

  /** Not written before hello, nor kept: its seq is enough, the cursor fetches it from storage after hello. */
  Behavior<Command> onEntryBeforeHello(ClientSession.Entry entry) {
    heardBeforeHello.merge(entry.roomId(), entry.seq(), Math::max);
    return Behaviors.same();
  }

  Behavior<Command> onHelloReady(ClientSession.HelloReady msg) {
    helloReady = msg;
    return helloIfReady();
  }

  Behavior<Command> onHelloDeadline() {
    helloDeadlinePassed = true;
    return helloIfReady();
  }

  Behavior<Command> onAwaitingHello(ClientSession.AwaitingHello ask) {
    ask.replyTo().tell(new ClientSession.HelloWaits(false, helloReady == null, Set.copyOf(unconfirmed)));
    return Behaviors.same();
  }

  /** What arrived before hello and is not dropped waits for it; a client that sends that much is closed. */
  Behavior<Command> stashOrClose(Command cmd) {
    if (stash.isFull()) {
      return core.closeWith(1008, "too many frames before hello");
    }
    stash.stash(cmd);
    return Behaviors.same();
  }

  private Behavior<Command> helloIfReady() {
    if (helloReady == null || !(unconfirmed.isEmpty() || helloDeadlinePassed)) {
      return Behaviors.same();
    }
    core.timers.cancel(ClientSession.HelloDeadline.INSTANCE);
    List<RoomSummary> sorted = helloReady.rooms();
    if (!core.write(new ServerFrame.Hello(core.username, sorted, notificationsAtHello))) {
      return Behaviors.stopped();
    }
    for (RoomSummary room : sorted) {
      Long after = core.resumeAfter.get(room.id());
      if (Boolean.TRUE.equals(room.unavailable())) {
        // Not followed until it answers (the memberOf loop below asks it); its frames start where the client expects.
        core.startAfter.put(room.id(), after == null ? room.lastSeq() : after);
        continue;
      }
      long delivered = after == null ? room.lastSeq() : cursors.resumePoint(room.id(), after, room.lastSeq());
      if (delivered < 0) {
        return Behaviors.stopped();
      }
      long heard = heardBeforeHello.getOrDefault(room.id(), room.lastSeq());
      // Already followed at the hub: a room that confirms later tells this session its last seq then.
      cursors.follow(room.id(), delivered, Math.max(room.lastSeq(), heard));
    }
    for (String roomId : helloReady.memberOf()) {
      if (!core.rooms.containsKey(roomId)) {
        core.self().tell(new ClientSession.RetryTrack(roomId));
      }
    }
    heardBeforeHello.clear();
    unconfirmed.clear();
    helloReady = null;
    return stash.unstashAll(running);
  }
}
