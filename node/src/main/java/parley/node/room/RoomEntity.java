package parley.node.room;

import static parley.node.room.ChatRoom.KIND_ROOM;
import static parley.node.room.ChatRoom.noSuchRoom;

import java.time.Clock;
import java.util.Set;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import parley.node.room.ChatRoom.AdmitSend;
import parley.node.room.ChatRoom.AgeFloorFound;
import parley.node.room.ChatRoom.BlockKnown;
import parley.node.room.ChatRoom.Change;
import parley.node.room.ChatRoom.CheckRetention;
import parley.node.room.ChatRoom.CloseMember;
import parley.node.room.ChatRoom.Command;
import parley.node.room.ChatRoom.Create;
import parley.node.room.ChatRoom.Delete;
import parley.node.room.ChatRoom.Deleted;
import parley.node.room.ChatRoom.DeliveredRecovered;
import parley.node.room.ChatRoom.Event;
import parley.node.room.ChatRoom.Flush;
import parley.node.room.ChatRoom.FlushMoments;
import parley.node.room.ChatRoom.FlushReceipts;
import parley.node.room.ChatRoom.FrameRefused;
import parley.node.room.ChatRoom.Get;
import parley.node.room.ChatRoom.GetHistory;
import parley.node.room.ChatRoom.GetReceipts;
import parley.node.room.ChatRoom.GetSummary;
import parley.node.room.ChatRoom.HandOverFromClosedOwner;
import parley.node.room.ChatRoom.HistoryTrimmed;
import parley.node.room.ChatRoom.HubTerminated;
import parley.node.room.ChatRoom.Join;
import parley.node.room.ChatRoom.Leave;
import parley.node.room.ChatRoom.MarkDelivered;
import parley.node.room.ChatRoom.MarkersMoved;
import parley.node.room.ChatRoom.MemberClosed;
import parley.node.room.ChatRoom.Moderate;
import parley.node.room.ChatRoom.PasscodeChecked;
import parley.node.room.ChatRoom.PresenceChanged;
import parley.node.room.ChatRoom.ReceiptsView;
import parley.node.room.ChatRoom.Rejected;
import parley.node.room.ChatRoom.ReportOnline;
import parley.node.room.ChatRoom.Send;
import parley.node.room.ChatRoom.SetRole;
import parley.node.room.ChatRoom.Settings;
import parley.node.room.ChatRoom.SubscribeHub;
import parley.node.room.ChatRoom.SummaryView;
import parley.node.room.ChatRoom.Typing;
import parley.node.room.ChatRoom.TypingExpiry;
import parley.node.room.ChatRoom.UnsubscribeHub;

/**
 * The room's entity: its persistence (snapshots, recovery, the events applied to {@link RoomState}) and the wiring
 * of each command of {@link ChatRoom}'s protocol to the part of the room that handles it: membership
 * ({@link RoomMembership}), sends ({@link RoomSends}), moderation ({@link RoomModeration}), retention
 * ({@link RoomRetention}), listeners ({@link RoomAudience}) and awareness ({@link RoomAwareness}).
 */
final class RoomEntity extends EventSourcedBehaviorWithEnforcedReplies<Command, Event, RoomState> {
  private final String roomId;
  private final Settings settings;
  private final ActorContext<Command> context;
  private final RoomCore core;
  private final RoomAudience audience;
  private final RoomAwareness awareness;
  private final PendingSends pending;
  private final RoomMembership membership;
  private final RoomSends sends;
  private final RoomModeration moderation;
  private final RoomRetention retention;

  RoomEntity(String roomId, Settings settings, Clock clock, ActorContext<Command> context) {
    // A failed journal write or replay stops the room (its unacknowledged sends are told unavailable as it stops, and
    // retried by their clients), and sharding starts a new one, which replays the journal, with the next message: a
    // hub's resubscribe (every second until one answers), a send, a request. Not a restart of this actor
    // (restartWithBackoff): the journal's replies to a failed write keep coming after the first failure, the restart
    // took them in with the commands it held back, and the next incarnation stopped unstashing at the first of them:
    // the room answered nothing more until its node restarted (ClientSessionTest). A new actor's replies cannot be
    // mixed up with a stopped one's.
    super(ChatRoom.persistenceId(roomId));
    this.roomId = roomId;
    this.settings = settings;
    this.context = context;
    this.core = new RoomCore(roomId, settings, clock, context, Effect());
    this.audience = core.audience;
    this.awareness = core.awareness;
    this.pending = core.pending;
    this.membership = new RoomMembership(core);
    this.retention = new RoomRetention(core);
    this.sends = new RoomSends(core, retention);
    this.moderation = new RoomModeration(core);
  }

  @Override
  public RoomState emptyState() {
    return RoomState.empty();
  }

  /** Every event of a room is an entry of its timeline: the search index reads them all by this tag, in order. */
  @Override
  public Set<String> tagsFor(Event event) {
    return ChatRoom.TAGS;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  /**
   * A snapshot is copied into a {@link RoomState.Snapshot} here, on the room's thread: the state's dedupe window is written in
   * place, and the snapshot store serializes later, on its own. Snapshots written before are read as a state.
   */
  @Override
  public SnapshotAdapter<RoomState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(RoomState state) {
        return state.toSnapshot();
      }

      @Override
      public RoomState fromJournal(Object from) {
        return from instanceof RoomState.Snapshot snapshot ? RoomState.fromSnapshot(snapshot) : (RoomState) from;
      }
    };
  }

  /** Retention: a snapshot at every trim, so the rows before its floor can go. */
  @Override
  public boolean shouldSnapshot(RoomState state, Event event, long sequenceNr) {
    return event instanceof HistoryTrimmed;
  }

  @Override
  public SignalHandler<RoomState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        // Stopped with sends unanswered (after a failed write, or by its node): each is told unavailable now, not by
        // its sender's timeout. Sends held back behind the failed write are dropped by Pekko with the room, unanswered.
        .onSignal(PostStop.instance(), state -> pending.abandon())
        .onSignal(SnapshotCompleted.class, (state, done) -> {
          if (state.floorSeq > 1) {
            core.eraseBelowFloor(state.floorSeq);
          }
        })
        .build();
  }

  private void onRecovered(RoomState state) {
    if (state.deleted) {
      // Deleted, and the node may have stopped before the history was erased: erase it (again).
      core.erase();
      return;
    }
    if (!state.exists()) {
      return;
    }
    state.members.forEach(awareness::askAbout);
    awareness.wroteRecovered(state);
    awareness.startStoredMarkers();
    audience.reportToDirectory(state);
    if (state.retention != null) {
      context.getSelf().tell(new CheckRetention(false));
    }
    if (state.ownerOwed()) {
      context.getSelf().tell(HandOverFromClosedOwner.INSTANCE);
    }
    if (state.floorSeq > 1) {
      // The node may have stopped between a trim and its erasure.
      core.eraseBelowFloor(state.floorSeq);
    }
  }

  /**
   * Commands branch on the room's lifecycle: none (nothing stored yet: only a create makes it), open, and deleted
   * (answered as no such room, forever). A room that is not open answers the same to whatever would act in it or read
   * it, so the handlers of an open room never ask whether it exists. What a room keeps of the moment (listeners,
   * presence, markers, typing) is handled alike in every state, and a send is refused by the room's sends themselves.
   */
  @Override
  public CommandHandlerWithReply<Command, Event, RoomState> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, RoomState> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(RoomState::none)
        .onCommand(Create.class, membership::onCreate);
    builder.forState(state -> state.deleted)
        .onCommand(Create.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()));
    notOpen(builder.forState(state -> !state.exists()));
    open(builder.forState(RoomState::exists));
    inAnyState(builder.forAnyState());
    return builder.build();
  }

  /** None or deleted: no room to join, leave, change, read or be typed in. */
  private void notOpen(CommandHandlerWithReplyBuilderByState<Command, Event, RoomState, RoomState> builder) {
    builder
        .onCommand(Join.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        // The room was deleted while the passcode was checked.
        .onCommand(PasscodeChecked.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(Leave.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        // Nothing of the member is here to mark: the closure is done as far as this room goes.
        .onCommand(CloseMember.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new MemberClosed(roomId)))
        .onCommand(HandOverFromClosedOwner.class, (state, cmd) -> Effect().noReply())
        .onCommand(Change.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(Moderate.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(SetRole.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(ChatRoom.Invite.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(ChatRoom.MayInvite.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(ChatRoom.MayModerate.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(ChatRoom.JoinByLink.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(Delete.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(CheckRetention.class, (state, cmd) -> Effect().noReply())
        .onCommand(AgeFloorFound.class, (state, cmd) -> Effect().noReply())
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(GetSummary.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(GetHistory.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(GetReceipts.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoom()))
        .onCommand(Typing.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoomFrame()))
        .onCommand(MarkDelivered.class, (state, cmd) -> Effect().reply(cmd.replyTo(), noSuchRoomFrame()));
  }

  private FrameRefused noSuchRoomFrame() {
    Rejected none = noSuchRoom();
    return new FrameRefused(roomId, none.code(), none.message());
  }

  private void open(CommandHandlerWithReplyBuilderByState<Command, Event, RoomState, RoomState> builder) {
    builder
        .onCommand(Create.class, membership::onCreateAgain)
        .onCommand(Join.class, membership::onJoin)
        .onCommand(PasscodeChecked.class, membership::onPasscodeChecked)
        .onCommand(Leave.class, membership::onLeave)
        .onCommand(CloseMember.class, membership::onCloseMember)
        .onCommand(HandOverFromClosedOwner.class, membership::onHandOverFromClosedOwner)
        .onCommand(Change.class, moderation::onChange)
        .onCommand(CheckRetention.class, retention::onCheckRetention)
        .onCommand(AgeFloorFound.class, retention::onAgeFloorFound)
        .onCommand(Moderate.class, moderation::onModerate)
        .onCommand(SetRole.class, moderation::onSetRole)
        .onCommand(ChatRoom.Invite.class, moderation::onInvite)
        .onCommand(ChatRoom.MayInvite.class, moderation::onMayInvite)
        .onCommand(ChatRoom.MayModerate.class, moderation::onMayModerate)
        .onCommand(ChatRoom.JoinByLink.class, membership::onJoinByLink)
        .onCommand(Delete.class, moderation::onDelete)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), core.get(state, cmd.asUser())))
        .onCommand(GetSummary.class, (state, cmd) -> {
          if (state.info.hidden() && !state.isMember(cmd.asUser())) {
            return Effect().reply(cmd.replyTo(), noSuchRoom());
          }
          long[] ignored = state.fromIgnored(cmd.asUser(), cmd.readSeq(), cmd.ignoring());
          return Effect().reply(cmd.replyTo(), new SummaryView(roomId, state.info.name(), state.info.kind(),
              state.lastSeq, state.isMember(cmd.asUser()), state.lastSent.getOrElse(cmd.asUser(), () -> 0L),
              state.unread(cmd.asUser(), cmd.readSeq()) - ignored[0],
              state.mentions(cmd.asUser(), cmd.readSeq()) - ignored[1]));
        })
        .onCommand(GetHistory.class, this::onGetHistory)
        .onCommand(Typing.class, this::onTyping)
        .onCommand(MarkDelivered.class, this::onMarkDelivered)
        .onCommand(GetReceipts.class, (state, cmd) -> {
          Rejected refusal = RoomCore.memberRefusal(state, cmd.asUser());
          return Effect().reply(cmd.replyTo(), refusal != null ? refusal : new ReceiptsView(awareness.receipts(state)));
        });
  }

  private void inAnyState(CommandHandlerWithReplyBuilderByState<Command, Event, RoomState, RoomState> builder) {
    builder
        .onCommand(AdmitSend.class, sends::onAdmit)
        .onCommand(Send.class, sends::onSend)
        .onCommand(Flush.class, (state, cmd) -> sends.onFlush(state))
        .onCommand(ReportOnline.class, (state, cmd) -> {
          audience.reportOnlineNow(state);
          return Effect().noReply();
        })
        .onCommand(SubscribeHub.class, (state, cmd) -> {
          audience.subscribe(cmd.hub(), state);
          return Effect().noReply();
        })
        .onCommand(UnsubscribeHub.class, (state, cmd) -> {
          audience.unsubscribe(cmd.hub());
          return Effect().noReply();
        })
        .onCommand(HubTerminated.class, (state, cmd) -> {
          audience.hubTerminated(cmd.hub());
          return Effect().noReply();
        })
        .onCommand(PresenceChanged.class, (state, cmd) -> {
          if (audience.presenceChanged(state, cmd)) {
            // Their last connection closed: nobody is left typing (an offline the room only learns of says nothing).
            awareness.endTyping(cmd.user());
          }
          return Effect().noReply();
        })
        .onCommand(MarkersMoved.class, (state, cmd) -> {
          if (state.isMember(cmd.user())) {
            awareness.markersMoved(cmd);
          }
          return Effect().noReply();
        })
        .onCommand(BlockKnown.class, (state, cmd) -> {
          if (state.exists() && state.isMember(cmd.user()) && core.dmBlocks.known(cmd.user(), cmd.blocksOther())) {
            // The writes that waited for it go on (stashed: see RoomSends).
            return Effect().noReply().thenUnstashAll();
          }
          return Effect().noReply();
        })
        .onCommand(DeliveredRecovered.class, (state, cmd) -> {
          awareness.deliveredRecovered(cmd.markers(), state::isMember);
          return Effect().noReply();
        })
        .onCommand(FlushReceipts.class, (state, cmd) -> {
          awareness.flushReceipts(state);
          return Effect().noReply();
        })
        .onCommand(TypingExpiry.class, (state, cmd) -> {
          awareness.typingExpiry();
          return Effect().noReply();
        })
        .onCommand(FlushMoments.class, (state, cmd) -> {
          audience.flushMoments();
          return Effect().noReply();
        });
  }

  private ReplyEffect<Event, RoomState> onTyping(RoomState state, Typing cmd) {
    Rejected refusal = RoomCore.memberRefusal(state, cmd.user());
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), new FrameRefused(roomId, refusal.code(), refusal.message()));
    }
    if (ChatRoom.KIND_DM.equals(state.info.kind()) && core.dmBlocks.blockerOf(cmd.user(), state.members) != null) {
      return Effect().noReply(); // their typing reaches nobody: a block is told by their sends alone
    }
    awareness.typing(cmd.user(), cmd.stop(), core.now());
    return Effect().noReply();
  }

  private ReplyEffect<Event, RoomState> onMarkDelivered(RoomState state, MarkDelivered cmd) {
    Rejected refusal = RoomCore.memberRefusal(state, cmd.user());
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), new FrameRefused(roomId, refusal.code(), refusal.message()));
    }
    awareness.delivered(cmd.user(), Math.min(cmd.seq(), state.lastSeq));
    return Effect().noReply();
  }

  private ReplyEffect<Event, RoomState> onGetHistory(RoomState state, GetHistory cmd) {
    Rejected refusal = RoomCore.memberRefusal(state, cmd.user());
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    return Effect().reply(cmd.replyTo(), state.history(cmd.before(), cmd.after(), cmd.limit()));
  }

  @Override
  public EventHandler<RoomState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state.apply(event, settings));
  }
}
