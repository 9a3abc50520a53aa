package parley.node.room;

import static parley.node.room.ChatRoom.KIND_ROOM;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.room.ChatRoom.Change;
import parley.node.room.ChatRoom.CheckRetention;
import parley.node.room.ChatRoom.Delete;
import parley.node.room.ChatRoom.Deleted;
import parley.node.room.ChatRoom.Event;
import parley.node.room.ChatRoom.Moderate;
import parley.node.room.ChatRoom.Moderated;
import parley.node.room.ChatRoom.ModerationResult;
import parley.node.room.ChatRoom.Rejected;
import parley.node.room.ChatRoom.RoomChanged;
import parley.node.room.ChatRoom.RoomDeleted;
import parley.node.room.ChatRoom.SetRole;

/**
 * The room's moderation handlers: changes to its name, topic, passcode, capacity and retention, kicks, bans and
 * unbans, roles, and the owner's deletion of the room. Each is refused unless the room is a room (not a DM) and the
 * user may moderate it; what it stores follows the sends waiting for their write.
 */
final class RoomModeration extends RoomPart {

  RoomModeration(RoomCore core) {
    super(core);
  }

  /** Refused unless the room is a room (not a DM), and {@code user} is its owner or an admin. */
  private Rejected moderationRefusal(RoomState state, String user) {
    if (!state.isMember(user)) {
      return outsider(state);
    }
    if (!KIND_ROOM.equals(state.info.kind())) {
      return forbidden("a DM has no owner or admins: nobody can change it or remove anyone");
    }
    return state.canModerate(user) ? null : forbidden("only the room's owner and admins may do that");
  }

  private static Rejected forbidden(String why) {
    return new Rejected("forbidden", why);
  }

  ReplyEffect<Event, RoomState> onChange(RoomState state, Change cmd) {
    Rejected refusal = moderationRefusal(state, cmd.user());
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    RetentionRule retention = cmd.retention() == null || cmd.retention().keepsAll() ? null
        : new RetentionRule(cmd.retention().maxMessages(), cmd.retention().maxAgeDays());
    boolean retentionChanges = cmd.retention() != null && !Objects.equals(retention, state.retention);
    if (cmd.retention() != null && !cmd.user().equals(state.info.owner())) {
      return Effect().reply(cmd.replyTo(), forbidden("only the room's owner sets how much history it keeps"));
    }
    if (cmd.capacity() != null && cmd.capacity() < state.members.size()) {
      return Effect().reply(cmd.replyTo(), new Rejected("capacity_below_members", "the room has "
          + state.members.size() + " members: its capacity cannot be " + cmd.capacity()));
    }
    Instant now = now();
    List<Event> events = new ArrayList<>();
    long seq = nextSeq(state);
    if (cmd.name() != null && !cmd.name().equals(state.info.name())) {
      events.add(new RoomChanged(new TimelineEntry.Renamed(seq++, cmd.user(), now, cmd.name()), null));
    }
    String topic = cmd.topic() == null ? null : cmd.topic().strip();
    if (topic != null && !topic.equals(state.topic == null ? "" : state.topic)) {
      events.add(new RoomChanged(new TimelineEntry.Topic(seq++, cmd.user(), now, topic), null));
    }
    boolean passcodeChanges = cmd.passcodeGiven() && (cmd.passcodeHash() != null || state.info.passcodeHash() != null);
    Integer capacity = cmd.capacity() != null && cmd.capacity() != state.info.capacity() ? cmd.capacity() : null;
    if (passcodeChanges || capacity != null) {
      events.add(new RoomChanged(new TimelineEntry.Settings(seq, cmd.user(), now, capacity,
          passcodeChanges ? cmd.passcodeHash() != null : null),
          passcodeChanges ? cmd.passcodeHash() : null));
      seq++;
    }
    if (cmd.visibility() != null && !cmd.visibility().equals(state.info.visibility())) {
      events.add(new RoomChanged(new TimelineEntry.Visibility(seq++, cmd.user(), now, cmd.visibility()), null));
    }
    if (cmd.membersInvite() != null && cmd.membersInvite() != state.info.membersMayInvite()) {
      events.add(new RoomChanged(new TimelineEntry.WhoInvites(seq++, cmd.user(), now, cmd.membersInvite()
          ? TimelineEntry.WhoInvites.MEMBERS : TimelineEntry.WhoInvites.ADMINS), null));
    }
    if (retentionChanges) {
      events.add(new RoomChanged(new TimelineEntry.Retention(seq, cmd.user(), now,
          retention == null ? RetentionRule.KEEP_ALL : retention), null));
      // Applied at once (a count limit that the room is over, an age limit that entries are past).
      context.getSelf().tell(new CheckRetention(false, true));
    }
    return persistModeration(state, events, cmd.user(), cmd.replyTo());
  }

  ReplyEffect<Event, RoomState> onModerate(RoomState state, Moderate cmd) {
    Rejected refusal = moderationRefusal(state, cmd.user());
    String target = cmd.target();
    if (refusal == null && !"unban".equals(cmd.action())) {
      if (target.equals(cmd.user())) {
        refusal = forbidden("you cannot " + cmd.action() + " yourself");
      } else if (target.equals(state.info.owner())) {
        refusal = forbidden("nobody can " + cmd.action() + " the room's owner");
      } else if (state.admins.contains(target) && !cmd.user().equals(state.info.owner())) {
        refusal = forbidden("only the owner can " + cmd.action() + " an admin");
      } else if ("kick".equals(cmd.action()) && !state.isMember(target)) {
        refusal = new Rejected("no_such_member", target + " is not a member of this room");
      }
    }
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    long seq = nextSeq(state);
    TimelineEntry entry = switch (cmd.action()) {
      case "kick" -> new TimelineEntry.Kicked(seq, cmd.user(), now(), target, cmd.reason());
      case "ban" -> state.banned.contains(target) ? null
          : new TimelineEntry.Banned(seq, cmd.user(), now(), target, cmd.reason());
      default -> state.banned.contains(target)
          ? new TimelineEntry.Unbanned(seq, cmd.user(), now(), target, cmd.reason()) : null;
    };
    List<Event> events = entry == null ? List.of() : List.of(new Moderated(entry));
    return persistModeration(state, events, cmd.user(), cmd.replyTo());
  }

  /**
   * An invitation: the invitee may join from now on, past a passcode and into a private room. Refused for a member, a
   * banned user (unban first), and past {@link RoomInfo#INVITED_MAX} unanswered; the same invitation again changes
   * nothing. Whether the invitee exists is the edge's to check, before.
   */
  ReplyEffect<Event, RoomState> onInvite(RoomState state, ChatRoom.Invite cmd) {
    Rejected refusal = inviterRefusal(state, cmd.user());
    if (refusal == null && state.isMember(cmd.invitee())) {
      refusal = new Rejected("already_a_member", cmd.invitee() + " is a member of this room already");
    } else if (refusal == null && state.banned.contains(cmd.invitee())) {
      refusal = forbidden(cmd.invitee() + " is banned from this room: unban them first");
    } else if (refusal == null && !state.info.invited().contains(cmd.invitee())
        && state.info.invited().size() >= RoomInfo.INVITED_MAX) {
      refusal = new Rejected("room_invites_full", "the room has " + RoomInfo.INVITED_MAX
          + " invitations unanswered (the most it keeps)");
    }
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    List<Event> events = state.info.invited().contains(cmd.invitee()) ? List.of()
        : List.of(new Moderated(new TimelineEntry.Invited(nextSeq(state), cmd.user(), now(), cmd.invitee())));
    return persistModeration(state, events, cmd.user(), cmd.replyTo());
  }

  /** Why {@code user} may not invite: as for moderation, unless the room lets every member invite. */
  private Rejected inviterRefusal(RoomState state, String user) {
    Rejected refusal = moderationRefusal(state, user);
    return refusal != null && state.mayInvite(user) ? null : refusal;
  }

  ReplyEffect<Event, RoomState> onMayModerate(RoomState state, ChatRoom.MayModerate cmd) {
    Rejected refusal = moderationRefusal(state, cmd.user());
    return Effect().reply(cmd.replyTo(), refusal != null ? refusal : view(state, cmd.user()));
  }

  ReplyEffect<Event, RoomState> onMayInvite(RoomState state, ChatRoom.MayInvite cmd) {
    Rejected refusal = inviterRefusal(state, cmd.user());
    return Effect().reply(cmd.replyTo(), refusal != null ? refusal : view(state, cmd.user()));
  }

  ReplyEffect<Event, RoomState> onSetRole(RoomState state, SetRole cmd) {
    Rejected refusal = moderationRefusal(state, cmd.user());
    if (refusal == null && !cmd.user().equals(state.info.owner())) {
      refusal = forbidden("only the room's owner names admins and hands the room over");
    } else if (refusal == null && !state.isMember(cmd.target())) {
      refusal = new Rejected("no_such_member", cmd.target() + " is not a member of this room");
    }
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    if (cmd.role().equals(state.roleOf(cmd.target()))) {
      return Effect().reply(cmd.replyTo(), view(state, cmd.user()));
    }
    if (cmd.target().equals(state.info.owner())) {
      return Effect().reply(cmd.replyTo(), forbidden("hand the room over to someone else first"));
    }
    TimelineEntry entry = new TimelineEntry.Role(nextSeq(state), cmd.user(), now(), cmd.target(), cmd.role());
    return persistModeration(state, List.of(new Moderated(entry)), cmd.user(), cmd.replyTo());
  }

  ReplyEffect<Event, RoomState> onDelete(RoomState state, Delete cmd) {
    Rejected refusal = moderationRefusal(state, cmd.user());
    if (refusal == null && !cmd.user().equals(state.info.owner())) {
      refusal = forbidden("only the room's owner may delete it");
    }
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    List<String> members = List.copyOf(state.members);
    TimelineEntry tombstone = new TimelineEntry.RoomDeleted(nextSeq(state), cmd.user(), now());
    // Sends waiting for their write are stored (and answered) first, then erased with the rest.
    PendingSends.Batch batch = pending.take(state, now(), new RoomDeleted(tombstone));
    audience.unlist(state);
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(audience::publish);
          core.erase();
        })
        .thenReply(cmd.replyTo(), s -> new Deleted(members));
  }

  /** Stores the entries (after the sends waiting), publishes them, answers with the room as it is then. */
  private ReplyEffect<Event, RoomState> persistModeration(RoomState state, List<Event> events, String user,
      ActorRef<ModerationResult> replyTo) {
    if (events.isEmpty()) {
      return Effect().reply(replyTo, view(state, user));
    }
    PendingSends.Batch batch = pending.take(state, now(), null);
    List<Event> all = new ArrayList<>(batch.events());
    // The moderation entries' seqs were taken after the pending sends': they follow them.
    all.addAll(events);
    return Effect()
        .persist(all)
        .thenRun(s -> {
          batch.complete(audience::publish);
          for (Event e : events) {
            audience.publish(e.entry());
            String removed = e.entry() instanceof TimelineEntry.AboutMember about ? about.user() : null;
            if (removed != null && !s.isMember(removed)) {
              audience.forget(removed);
              awareness.endTyping(removed);
              awareness.forget(removed);
            }
          }
          audience.reportToDirectory(s);
        })
        .thenReply(replyTo, s -> view(s, user));
  }
}
