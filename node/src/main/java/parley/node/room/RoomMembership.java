package parley.node.room;

import static parley.node.room.ChatRoom.KIND_DM;
import static parley.node.room.ChatRoom.KIND_GROUP;
import static parley.node.room.ChatRoom.KIND_ROOM;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.Secrets;
import parley.node.room.ChatRoom.AccountClosed;
import parley.node.room.ChatRoom.CloseMember;
import parley.node.room.ChatRoom.Create;
import parley.node.room.ChatRoom.Created;
import parley.node.room.ChatRoom.Event;
import parley.node.room.ChatRoom.HandOverFromClosedOwner;
import parley.node.room.ChatRoom.Join;
import parley.node.room.ChatRoom.JoinResult;
import parley.node.room.ChatRoom.JoinThrottled;
import parley.node.room.ChatRoom.Joined;
import parley.node.room.ChatRoom.Leave;
import parley.node.room.ChatRoom.Left;
import parley.node.room.ChatRoom.MemberClosed;
import parley.node.room.ChatRoom.MemberJoined;
import parley.node.room.ChatRoom.MemberLeft;
import parley.node.room.ChatRoom.Moderated;
import parley.node.room.ChatRoom.PasscodeChecked;
import parley.node.room.ChatRoom.Rejected;
import parley.node.room.ChatRoom.RoomCreated;

/**
 * The room's membership handlers: creating the room, joins (passcodes checked off the room, with a back-off after
 * wrong guesses; capacity and bans decided one join at a time), leaving, and a member's account closing (a room
 * whose owner goes is handed over first).
 */
final class RoomMembership extends RoomPart {
  private final PasscodeGuesses guesses;

  RoomMembership(RoomCore core) {
    super(core);
    this.guesses = new PasscodeGuesses(settings.passcodeRule());
  }

  /** A create of a room that exists already (a DM opened again, a retried create): answered with the room. */
  ReplyEffect<Event, RoomState> onCreateAgain(RoomState state, Create cmd) {
    return Effect().reply(cmd.replyTo(), view(state, cmd.owner()));
  }

  ReplyEffect<Event, RoomState> onCreate(RoomState state, Create cmd) {
    Instant now = now();
    List<String> parties = null;
    if (KIND_GROUP.equals(cmd.kind())) {
      TreeSet<String> all = new TreeSet<>(cmd.others());
      all.addAll(cmd.invited());
      all.add(cmd.owner());
      parties = List.copyOf(all);
    }
    RoomInfo info = new RoomInfo(cmd.name(), cmd.kind(), cmd.owner(), cmd.passcodeHash(), cmd.capacity(), now, parties,
        null, KIND_ROOM.equals(cmd.kind()) ? cmd.visibility() : null, null);
    List<Event> events = new ArrayList<>();
    events.add(new RoomCreated(info, new TimelineEntry.Joined(1, cmd.owner(), now)));
    long seq = 1;
    for (String other : cmd.others()) {
      if (!other.equals(cmd.owner())) {
        events.add(new MemberJoined(new TimelineEntry.Joined(++seq, other, now)));
      }
    }
    return Effect()
        .persist(events)
        .thenRun(s -> {
          events.forEach(e -> {
            audience.publish(e.entry());
            audience.announceWhenKnown(e.entry().sender());
            awareness.askAbout(e.entry().sender());
          });
          audience.reportToDirectory(s);
        })
        .thenReply(cmd.replyTo(), s -> new Created(view(s, cmd.owner())));
  }

  ReplyEffect<Event, RoomState> onJoin(RoomState state, Join cmd) {
    boolean dm = KIND_DM.equals(state.info.kind());
    boolean group = KIND_GROUP.equals(state.info.kind());
    if ((dm && !isDmParty(cmd.user()))
        || (group && (state.info.parties() == null || !state.info.parties().contains(cmd.user())))) {
      return Effect().reply(cmd.replyTo(), noSuchRoom());
    }
    boolean invited = state.info.invited().contains(cmd.user());
    if (KIND_ROOM.equals(state.info.kind()) && state.info.hidden() && !invited && !state.isMember(cmd.user())) {
      // A private room is joined by invitation only, and to anyone else it is no room at all.
      return Effect().reply(cmd.replyTo(), noSuchRoom());
    }
    if (state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Joined(view(state, cmd.user()), -1));
    }
    if (state.banned.contains(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Rejected("banned", "you are banned from this room"));
    }
    if (state.info.passcodeHash() == null || invited) {
      return admit(state, cmd.user(), cmd.replyTo());
    }
    if (cmd.passcode() == null) {
      return Effect().reply(cmd.replyTo(), new Rejected("passcode_required", "this room needs a passcode to join"));
    }
    long wait = guesses.waitMillis(cmd.user());
    if (wait > 0) {
      return Effect().reply(cmd.replyTo(), new JoinThrottled(wait, "too many wrong passcodes for this room "
          + "(parley.limits.passcode); try again in " + (wait + 999) / 1000 + " s"));
    }
    // BCrypt is slow by design: check it off the actor, then decide (capacity included) one join at a time.
    String hash = state.info.passcodeHash();
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> Secrets.matches(cmd.passcode(), hash), blocking),
        (ok, failure) -> new PasscodeChecked(cmd.user(), failure == null && ok, cmd.replyTo()));
    return Effect().noReply();
  }

  /** A link admits past the passcode and into a private room while its maker may still invite to the room. */
  ReplyEffect<Event, RoomState> onJoinByLink(RoomState state, ChatRoom.JoinByLink cmd) {
    if (!state.mayInvite(cmd.maker())) {
      return Effect().reply(cmd.replyTo(), new Rejected("invite_expired",
          "the invite link's maker may no longer invite to this room"));
    }
    if (state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Joined(view(state, cmd.user()), -1));
    }
    if (state.banned.contains(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Rejected("banned", "you are banned from this room"));
    }
    return admit(state, cmd.user(), cmd.replyTo());
  }

  ReplyEffect<Event, RoomState> onPasscodeChecked(RoomState state, PasscodeChecked cmd) {
    if (state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Joined(view(state, cmd.user()), -1));
    }
    if (!cmd.ok()) {
      guesses.wrong(cmd.user());
      return Effect().reply(cmd.replyTo(), new Rejected("wrong_passcode", "that passcode does not open this room"));
    }
    guesses.right(cmd.user());
    if (state.banned.contains(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Rejected("banned", "you are banned from this room"));
    }
    return admit(state, cmd.user(), cmd.replyTo());
  }

  private ReplyEffect<Event, RoomState> admit(RoomState state, String user, ActorRef<JoinResult> replyTo) {
    if (state.members.size() >= state.info.capacity()) {
      return Effect()
          .reply(replyTo, new Rejected("room_full", "the room is full (capacity " + state.info.capacity() + ")"));
    }
    TimelineEntry entry = new TimelineEntry.Joined(nextSeq(state), user, now());
    PendingSends.Batch batch = pending.take(state, now(), new MemberJoined(entry));
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(audience::publish);
          audience.reportToDirectory(s);
          audience.announceWhenKnown(user);
          awareness.askAbout(user);
          core.dmBlocks.forget(user);
        })
        .thenReply(replyTo, s -> new Joined(view(s, user), entry.seq()));
  }

  ReplyEffect<Event, RoomState> onLeave(RoomState state, Leave cmd) {
    if (!state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), outsider(state));
    }
    if (KIND_ROOM.equals(state.info.kind()) && cmd.user().equals(state.info.owner()) && state.members.size() > 1) {
      return Effect().reply(cmd.replyTo(), new Rejected("owner_must_transfer", "you own this room: hand it over first "
          + "(POST /api/v1/rooms/" + roomId + "/roles {\"username\",\"role\":\"owner\"}), or be its last member"));
    }
    // Sends the user made before leaving are stored before the leave, in the same write.
    TimelineEntry entry = new TimelineEntry.Left(nextSeq(state), cmd.user(), now());
    PendingSends.Batch batch = pending.take(state, now(), new MemberLeft(entry));
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(audience::publish);
          audience.forget(cmd.user());
          awareness.endTyping(cmd.user());
          awareness.forget(cmd.user());
          core.dmBlocks.forget(cmd.user());
          audience.reportToDirectory(s);
        })
        .thenReply(cmd.replyTo(), s -> new Left(entry.seq()));
  }

  ReplyEffect<Event, RoomState> onCloseMember(RoomState state, CloseMember cmd) {
    String user = cmd.user();
    boolean wrote = state.lastSent.contains(user);
    if (state.closedSenders.contains(user) || (!state.isMember(user) && !wrote)) {
      return Effect().reply(cmd.replyTo(), new MemberClosed(roomId));
    }
    Instant now = now();
    long seq = nextSeq(state);
    List<Event> closure = new ArrayList<>();
    // A room whose owner goes is handed over first (to the admin of longest standing, else the member who joined
    // first), so that it can still be run: retention, roles, kicks and deletion are the owner's.
    String heir = KIND_ROOM.equals(state.info.kind()) && user.equals(state.info.owner()) ? state.heirOf(user) : null;
    if (heir != null) {
      closure.add(new Moderated(handOver(seq++, user, heir, now)));
    }
    closure.add(new AccountClosed(new TimelineEntry.AccountClosed(seq, user, now)));
    PendingSends.Batch batch = pending.take(state, now, null);
    List<Event> all = new ArrayList<>(batch.events());
    all.addAll(closure);
    return Effect()
        .persist(all)
        .thenRun(s -> {
          batch.complete(audience::publish);
          closure.forEach(e -> audience.publish(e.entry()));
          audience.forget(user);
          awareness.endTyping(user);
          awareness.forget(user);
          audience.reportToDirectory(s);
        })
        .thenReply(cmd.replyTo(), s -> new MemberClosed(roomId));
  }

  private static TimelineEntry handOver(long seq, String owner, String heir, Instant at) {
    return new TimelineEntry.Role(seq, owner, at, heir, "owner");
  }

  /** A room whose owner closed the account before rooms were handed over on closure: handed over now. */
  ReplyEffect<Event, RoomState> onHandOverFromClosedOwner(RoomState state, HandOverFromClosedOwner cmd) {
    String owner = state.info.owner();
    String heir = owner != null && state.ownerOwed() ? state.heirOf(owner) : null;
    if (heir == null) {
      return Effect().noReply();
    }
    PendingSends.Batch batch = pending.take(state, now(), new Moderated(handOver(nextSeq(state), owner, heir, now())));
    return Effect().persist(batch.events()).thenRun(s -> batch.complete(audience::publish)).thenNoReply();
  }

  /** A DM's id names its two parties: {@code dm:<a>:<b>}. */
  private boolean isDmParty(String user) {
    return roomId.equals(ChatRoom.dmId(user, roomId.substring(roomId.lastIndexOf(':') + 1)))
        || roomId.equals(ChatRoom.dmId(user, roomId.substring(3, roomId.lastIndexOf(':'))));
  }
}
