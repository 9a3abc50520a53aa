package parley.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.longSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.Validation;
import parley.node.delivery.WireEntries;
import parley.node.admin.ServerAdmin;
import parley.node.reports.Report;
import parley.node.reports.Reports;
import parley.node.room.ChatRoom;
import parley.node.room.History;
import parley.node.user.UserAccount;
import parley.protocol.Limits;
import parley.protocol.Message;
import parley.protocol.ReportRequest;
import parley.protocol.ReportResolution;
import parley.protocol.ReportView;

/**
 * v1.4: reports. A member reports a message they can read (not their own) with an optional reason; the room's owner and
 * admins read the open reports with each message as it is now and resolve them, acting first where the resolution
 * is an act (the message deleted as by its delete route, the sender kicked or banned as by theirs). The reported
 * user is never told who reported them.
 */
final class ReportRoutes extends RouteSupport {
  private static final int QUEUE_PAGE = 100;
  private static final Map<String, String> OUTCOMES =
      Map.of("dismiss", "dismissed", "delete", "deleted", "kick", "kicked", "ban", "banned");

  private final Reports reports;
  private final History history;
  private final int reportsPerWindow;
  private final Duration reportWindow;

  ReportRoutes(ActorSystem<?> system, History history) {
    super(system);
    this.reports = Reports.get(system);
    this.history = history;
    this.reportsPerWindow = system.settings().config().getInt("parley.limits.reports-per-window");
    this.reportWindow = system.settings().config().getDuration("parley.limits.report-window");
  }

  Route forCaller(Caller caller) {
    return concat(
        path(segment("rooms").slash(segment()).slash("messages").slash(longSegment()).slash("report"), (id, seq) ->
            post(() -> validRoom(id, () -> optionalBody(ReportRequest.class, b -> report(caller, id, seq, b))))),
        path(segment("rooms").slash(segment()).slash("reports"), id -> get(() -> validRoom(id, () -> queue(caller, id)))),
        path(segment("rooms").slash(segment()).slash("reports").slash(segment()).slash("resolve"), (id, reportId) ->
            post(() -> validRoom(id, () -> withAddress(a -> body(ReportResolution.class,
                b -> resolve(caller, a, id, reportId, b)))))));
  }

  /** The entry at {@code seq} as {@code user} may read it, or the room's refusal (not a member, no such room). */
  private CompletionStage<Object> entry(String id, String user, long seq) {
    return history.page(id, user, seq + 1, null, 1).thenApply(result -> {
      if (!(result instanceof ChatRoom.Page page)) {
        return result;
      }
      List<Message> found = WireEntries.page(id, page);
      return found.stream().filter(m -> m.seq() == seq).findFirst().map(m -> (Object) m).orElse(noSuchMessage());
    });
  }

  private Route report(Caller caller, String id, long seq, ReportRequest body) {
    String reason = body == null || body.reason() == null || body.reason().isBlank() ? null : body.reason().strip();
    if (reason != null && (reason.codePointCount(0, reason.length()) > Limits.REASON_MAX
        || !Validation.isOneLine(reason))) {
      return error(StatusCodes.BAD_REQUEST, "invalid_report", "a reason is one line of at most " + Limits.REASON_MAX
          + " characters");
    }
    String me = caller.username();
    CompletionStage<Object> done = entry(id, me, seq).thenCompose(found -> {
      if (!(found instanceof Message m)) {
        return CompletableFuture.completedFuture(found);
      }
      if (!Set.of(Message.KIND_MESSAGE, Message.KIND_FILE).contains(m.kind())) {
        return CompletableFuture.completedFuture(noSuchMessage());
      }
      if (m.sender().equals(me)) {
        return CompletableFuture.completedFuture((Object) new ChatRoom.Rejected("invalid_report",
            "you cannot report your own message (delete it instead)"));
      }
      return take(me, "reports", reportsPerWindow, reportWindow, "too_many_reports", "filed", "reports",
          "parley.limits.reports-per-window")
          .thenCompose(allowed -> allowed != UserAccount.Done.INSTANCE ? CompletableFuture.completedFuture(allowed)
              : reports.file(id, seq, m.sender(), me, reason).thenApply(filed -> (Object) filed));
    });
    return onSuccess(done, result -> {
      if (result instanceof Reports.Made made) {
        return complete(made.again() ? StatusCodes.OK : StatusCodes.CREATED, wire(made.report(), null), JSON);
      }
      if (result instanceof Reports.QueueFull full) {
        return error(StatusCodes.CONFLICT, "room_reports_full", "the room has " + full.max() + " reports open, the most it"
            + " keeps (parley.reports.max-open-per-room), until its owner or admins resolve some");
      }
      return rejected(result);
    });
  }

  private CompletionStage<ChatRoom.ModerationResult> mayModerate(String user, String id) {
    return room(id).ask(r -> new ChatRoom.MayModerate(user, r), timeout);
  }

  private Route queue(Caller caller, String id) {
    String me = caller.username();
    CompletionStage<Object> done = mayModerate(me, id).thenCompose(allowed -> {
      if (!(allowed instanceof ChatRoom.RoomView)) {
        return CompletableFuture.completedFuture((Object) allowed);
      }
      return reports.open(id, QUEUE_PAGE).thenCompose(open -> {
        List<CompletableFuture<ReportView>> views = open.stream()
            .map(r -> entry(id, me, r.seq()).thenApply(m -> wire(r, m instanceof Message msg ? msg : null))
                .toCompletableFuture())
            .toList();
        return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
            .thenApply(v -> (Object) new ReportView.Queue(views.stream().map(CompletableFuture::join).toList()));
      });
    });
    return onSuccess(done, result -> result instanceof ReportView.Queue q ? complete(StatusCodes.OK, q, JSON)
        : rejected(result));
  }

  private Route resolve(Caller caller, String address, String id, String reportId, ReportResolution body) {
    String outcome = body.action() == null ? null : OUTCOMES.get(body.action());
    if (outcome == null) {
      return error(StatusCodes.BAD_REQUEST, "invalid_request", "action is dismiss, delete, kick or ban");
    }
    String me = caller.username();
    CompletionStage<Object> done = mayModerate(me, id).thenCompose(allowed -> {
      if (!(allowed instanceof ChatRoom.RoomView)) {
        return CompletableFuture.completedFuture((Object) allowed);
      }
      return reports.byId(id, reportId).thenCompose(found -> {
        if (found.isEmpty()) {
          return CompletableFuture.completedFuture((Object) new ChatRoom.Rejected("no_such_report",
              "the room has no such report"));
        }
        Report report = found.get();
        if (report.resolvedAt() != null) {
          // Resolved already (here or by another admin): answered as it stands, nothing done twice.
          return CompletableFuture.completedFuture((Object) report);
        }
        return act(me, id, report, body.action()).thenCompose(acted -> acted != UserAccount.Done.INSTANCE
            ? CompletableFuture.completedFuture(acted)
            : reports.resolve(id, report.seq(), me, outcome)
                .thenCompose(n -> ServerAdmin.get(system).audit(me, "resolve_report", report.sender(), id,
                    outcome + " (seq " + report.seq() + ")", address))
                .thenCompose(v -> reports.byId(id, reportId))
                .thenApply(after -> (Object) after.orElseThrow()));
      });
    });
    return onSuccess(done, result -> result instanceof Report r ? complete(StatusCodes.OK, wire(r, null), JSON)
        : rejected(result));
  }

  /** The resolution's act, as the caller: Done, or the refusal it met. */
  private CompletionStage<Object> act(String me, String id, Report report, String action) {
    switch (action) {
      case "delete": {
        // Its clientMsgId names the report, so a resolve sent twice deletes once.
        CompletionStage<ChatRoom.SendOutcome> answer = user(me).ask(r -> new UserAccount.SendThrough(id,
            new ChatRoom.Send(me, "report-" + report.id(), null, r, "delete", report.seq(), null, null, true)), timeout);
        return entryOrRefusal(answer, id, me, history).thenApply(result -> result instanceof Message
            ? UserAccount.Done.INSTANCE : result);
      }
      case "kick":
      case "ban":
        return moderateAs(me, id, action, report.sender(), "reported").thenApply(result ->
            result instanceof ChatRoom.RoomView ? UserAccount.Done.INSTANCE : (Object) result);
      default:
        return CompletableFuture.completedFuture(UserAccount.Done.INSTANCE);
    }
  }

  private static ChatRoom.Rejected noSuchMessage() {
    return new ChatRoom.Rejected("no_such_message", "the room has no message at that seq");
  }

  private static ReportView wire(Report r, Message message) {
    return new ReportView(r.id(), r.roomId(), r.seq(), r.sender(), r.reporter(), r.reason(), r.createdAt(),
        r.resolvedAt(), r.resolvedBy(), r.outcome(), message);
  }
}
