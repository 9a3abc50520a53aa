package parley.node.http;

import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.room.History;
import parley.node.search.SearchIndex;

/**
 * The HTTP edge of protocol v1, put together: the health endpoints, then under {@code /api/v1} the calls that need no
 * token, then the bearer-token check and the account's and the rooms' calls ({@link AccountRoutes},
 * {@link RoomRoutes}, {@link SearchRoutes}); last the web client's files ({@link WebRoutes}). Plain classes mapping wire DTOs to entity commands and entity replies to status codes; nothing
 * here holds state, every answer comes from an entity (or the journal, for old history).
 */
public final class ApiRoutes extends RouteSupport {
  private final AccountRoutes accounts;
  private final RoomRoutes rooms;
  private final FileRoutes files;
  private final InviteRoutes invites;
  private final InviteLinkRoutes inviteLinks;
  private final ReportRoutes reports;
  private final AdminRoutes admin;
  private final DirectoryRoutes directory;
  private final SearchRoutes search;
  private final WebRoutes web;
  private final Supplier<Boolean> bound;
  private final ActivityLog activity;

  public ApiRoutes(ActorSystem<?> system, History history, WebSocketEndpoint webSockets, SearchIndex searchIndex,
      Supplier<Boolean> bound) {
    super(system);
    this.activity = ActivityLog.start(system);
    this.accounts = new AccountRoutes(system, webSockets, activity);
    this.rooms = new RoomRoutes(system, history);
    this.files = new FileRoutes(system, history);
    this.invites = new InviteRoutes(system);
    this.inviteLinks = new InviteLinkRoutes(system);
    this.reports = new ReportRoutes(system, history);
    this.admin = new AdminRoutes(system);
    this.directory = new DirectoryRoutes(system);
    this.search = new SearchRoutes(system, searchIndex);
    this.web = new WebRoutes(system);
    this.bound = bound;
  }

  public Route routes() {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
        path("alive", () -> get(() -> complete(StatusCodes.OK, "{\"alive\":true}"))),
        path("ready", () -> get(() -> ready()
            ? complete(StatusCodes.OK, "{\"ready\":true}")
            : error(StatusCodes.SERVICE_UNAVAILABLE, "not_ready", "the node is not yet up in the cluster"))),
        pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            accounts.open(),
            files.open(),
            accounts.authenticated(caller -> concat(accounts.forCaller(caller), rooms.forCaller(caller),
                files.forCaller(caller), invites.forCaller(caller), inviteLinks.forCaller(caller), reports.forCaller(caller),
                admin.forCaller(caller), directory.forCaller(caller),
                search.forCaller(caller)))))),
        web.routes())));
  }

  /** Counts what the edge answered, for the log's line a minute. */
  HttpResponse answered(HttpResponse response) {
    return activity.answered(response);
  }

  /** Up in the cluster and taking requests (not yet, or no more while it stops). */
  public boolean ready() {
    return Cluster.get(system).selfMember().status() == MemberStatus.up() && bound.get();
  }
}
