package parley.client.net;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import parley.protocol.AccountClosure;
import parley.protocol.Admin;
import parley.protocol.BlockList;
import parley.protocol.UserDirectory;
import parley.protocol.CreateRoom;
import parley.protocol.Credentials;
import parley.protocol.ErrorBody;
import parley.protocol.FileRef;
import parley.protocol.GroupDm;
import parley.protocol.InviteLinkRequest;
import parley.protocol.ReportRequest;
import parley.protocol.ReportResolution;
import parley.protocol.ReportView;
import parley.protocol.InviteLinkView;
import parley.protocol.InviteList;
import parley.protocol.JoinRoom;
import parley.protocol.Json;
import parley.protocol.LoginResponse;
import parley.protocol.Me;
import parley.protocol.Message;
import parley.protocol.MessagePage;
import parley.protocol.Moderation;
import parley.protocol.NotificationList;
import parley.protocol.PasswordChange;
import parley.protocol.PostMessage;
import parley.protocol.RoleChange;
import parley.protocol.Room;
import parley.protocol.RoomChange;
import parley.protocol.RoomListing;
import parley.protocol.RoomReceipts;
import parley.protocol.SearchResults;
import parley.protocol.SessionList;
import parley.protocol.SignupResponse;
import parley.protocol.UserPresence;

/** {@link ParleyApi} over the JDK's HttpClient: JSON bodies with the protocol's own mapper. */
public final class HttpParleyApi implements ParleyApi {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = Json.mapper();

  private final HttpClient http;
  private final URI server;
  private final String token;

  public HttpParleyApi(HttpClient http, URI server) {
    this(http, server, null);
  }

  private HttpParleyApi(HttpClient http, URI server, String token) {
    this.http = http;
    this.server = server;
    this.token = token;
  }

  @Override
  public ParleyApi withToken(String token) {
    return new HttpParleyApi(http, server, token);
  }

  @Override
  public CompletableFuture<SignupResponse> signup(Credentials credentials) {
    return call("POST", "/auth/signup", credentials, SignupResponse.class);
  }

  @Override
  public CompletableFuture<LoginResponse> login(Credentials credentials) {
    return call("POST", "/auth/login", credentials, LoginResponse.class);
  }

  @Override
  public CompletableFuture<Void> logout() {
    return call("POST", "/auth/logout", null, Void.class);
  }

  @Override
  public CompletableFuture<Me> me() {
    return call("GET", "/me", null, Me.class);
  }

  @Override
  public CompletableFuture<RoomListing> rooms(String query) {
    return call("GET", "/rooms?limit=200" + (query == null ? ""
        : "&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)), null, RoomListing.class);
  }

  @Override
  public CompletableFuture<Room> createRoom(CreateRoom body) {
    return call("POST", "/rooms", body, Room.class);
  }

  @Override
  public CompletableFuture<Room> room(String roomId) {
    return call("GET", "/rooms/" + PathSegment.encode(roomId), null, Room.class);
  }

  @Override
  public CompletableFuture<Room> join(String roomId, String passcode) {
    return call("POST", "/rooms/" + PathSegment.encode(roomId) + "/join", new JoinRoom(passcode), Room.class);
  }

  @Override
  public CompletableFuture<Void> leave(String roomId) {
    return call("POST", "/rooms/" + PathSegment.encode(roomId) + "/leave", null, Void.class);
  }

  @Override
  public CompletableFuture<MessagePage> latest(String roomId, int limit) {
    return messages(roomId, "limit=" + limit);
  }

  @Override
  public CompletableFuture<MessagePage> before(String roomId, long seq, int limit) {
    return messages(roomId, "before=" + seq + "&limit=" + limit);
  }

  @Override
  public CompletableFuture<MessagePage> after(String roomId, long seq, int limit) {
    return messages(roomId, "after=" + seq + "&limit=" + limit);
  }

  private CompletableFuture<MessagePage> messages(String roomId, String query) {
    return call("GET", "/rooms/" + PathSegment.encode(roomId) + "/messages?" + query, null, MessagePage.class);
  }

  @Override
  public CompletableFuture<Message> post(String roomId, String clientMsgId, String text) {
    return call(
        "POST", "/rooms/" + PathSegment.encode(roomId) + "/messages", new PostMessage(clientMsgId, text), Message.class);
  }

  @Override
  public CompletableFuture<Room> openDm(String username) {
    return call("POST", "/dms/" + PathSegment.encode(username), null, Room.class);
  }

  @Override
  public CompletableFuture<NotificationList> notifications() {
    return call("GET", "/me/notifications", null, NotificationList.class);
  }

  @Override
  public CompletableFuture<RoomReceipts> receipts(String roomId) {
    return call("GET", "/rooms/" + PathSegment.encode(roomId) + "/receipts", null, RoomReceipts.class);
  }

  @Override
  public CompletableFuture<UserPresence> user(String username) {
    return call("GET", "/users/" + PathSegment.encode(username), null, UserPresence.class);
  }

  @Override
  public CompletableFuture<Void> changePassword(String current, String next) {
    return call("POST", "/me/password", new PasswordChange(current, next), Void.class);
  }

  @Override
  public CompletableFuture<SessionList> sessions() {
    return call("GET", "/me/sessions", null, SessionList.class);
  }

  @Override
  public CompletableFuture<Void> endSession(String id) {
    return call("DELETE", "/me/sessions/" + PathSegment.encode(id), null, Void.class);
  }

  @Override
  public CompletableFuture<Room> changeRoom(String roomId, RoomChange change) {
    return call("PATCH", "/rooms/" + PathSegment.encode(roomId), change, Room.class);
  }

  @Override
  public CompletableFuture<Room> moderate(String roomId, String action, Moderation body) {
    return call("POST", "/rooms/" + PathSegment.encode(roomId) + "/" + action, body, Room.class);
  }

  @Override
  public CompletableFuture<Void> invite(String roomId, String username) {
    return call("POST", "/rooms/" + PathSegment.encode(roomId) + "/invites", new Moderation(username, null),
        Void.class);
  }

  @Override
  public CompletableFuture<InviteLinkView> makeInviteLink(String roomId, InviteLinkRequest body) {
    return call("POST", "/rooms/" + PathSegment.encode(roomId) + "/invite-links", body, InviteLinkView.class);
  }

  @Override
  public CompletableFuture<InviteLinkView.Listing> inviteLinks(String roomId) {
    return call("GET", "/rooms/" + PathSegment.encode(roomId) + "/invite-links", null, InviteLinkView.Listing.class);
  }

  @Override
  public CompletableFuture<Void> revokeInviteLink(String roomId, String linkId) {
    return call("DELETE", "/rooms/" + PathSegment.encode(roomId) + "/invite-links/" + PathSegment.encode(linkId),
        null, Void.class);
  }

  @Override
  public CompletableFuture<Room> acceptInviteLink(String token) {
    return call("POST", "/invites/" + PathSegment.encode(token) + "/accept", null, Room.class);
  }

  @Override
  public CompletableFuture<ReportView> report(String roomId, long seq, ReportRequest body) {
    return call("POST", "/rooms/" + PathSegment.encode(roomId) + "/messages/" + seq + "/report", body, ReportView.class);
  }

  @Override
  public CompletableFuture<ReportView.Queue> reports(String roomId) {
    return call("GET", "/rooms/" + PathSegment.encode(roomId) + "/reports", null, ReportView.Queue.class);
  }

  @Override
  public CompletableFuture<ReportView> resolveReport(String roomId, String reportId, String action) {
    return call("POST", "/rooms/" + PathSegment.encode(roomId) + "/reports/" + PathSegment.encode(reportId)
        + "/resolve", new ReportResolution(action), ReportView.class);
  }

  @Override
  public CompletableFuture<UserDirectory> findUsers(String prefix) {
    return call("GET", "/users?limit=20&q=" + java.net.URLEncoder.encode(prefix, java.nio.charset.StandardCharsets.UTF_8),
        null, UserDirectory.class);
  }

  @Override
  public CompletableFuture<UserDirectory.Listing> setListed(boolean listed) {
    return call("PUT", "/me/directory", new UserDirectory.Listing(listed), UserDirectory.Listing.class);
  }

  @Override
  public CompletableFuture<Admin.Users> adminUsers() {
    return call("GET", "/admin/users?limit=200", null, Admin.Users.class);
  }

  @Override
  public CompletableFuture<Void> adminSetDeactivated(String username, boolean off) {
    return call("POST", "/admin/users/" + PathSegment.encode(username) + (off ? "/deactivate" : "/reactivate"), null,
        Void.class);
  }

  @Override
  public CompletableFuture<Void> adminResetSessions(String username) {
    return call("POST", "/admin/users/" + PathSegment.encode(username) + "/sessions/reset", null, Void.class);
  }

  @Override
  public CompletableFuture<Admin.Settings> adminSetSignup(String policy) {
    return call("PATCH", "/admin/settings", new Admin.Settings(policy), Admin.Settings.class);
  }

  @Override
  public CompletableFuture<Admin.SignupInvite> adminMakeInvite() {
    return call("POST", "/admin/invites", new InviteLinkRequest(null, null), Admin.SignupInvite.class);
  }

  @Override
  public CompletableFuture<Admin.Audit> adminAudit(int limit) {
    return call("GET", "/admin/audit?limit=" + limit, null, Admin.Audit.class);
  }

  @Override
  public String inviteUrl(String token) {
    return server.resolve("/").toString() + "#invite=" + token;
  }

  @Override
  public CompletableFuture<Room> openGroup(List<String> usernames) {
    return call("POST", "/dms", new GroupDm(usernames), Room.class);
  }

  @Override
  public CompletableFuture<Void> deleteRoom(String roomId) {
    return call("DELETE", "/rooms/" + PathSegment.encode(roomId), null, Void.class);
  }

  @Override
  public CompletableFuture<Room> setRole(String roomId, RoleChange body) {
    return call("POST", "/rooms/" + PathSegment.encode(roomId) + "/roles", body, Room.class);
  }

  @Override
  public CompletableFuture<Void> closeAccount(String password) {
    return call("DELETE", "/me", new AccountClosure(password), Void.class);
  }

  @Override
  public CompletableFuture<InviteList> invites() {
    return call("GET", "/me/invites", null, InviteList.class);
  }

  @Override
  public CompletableFuture<Room> acceptInvite(String roomId) {
    return call("POST", "/me/invites/" + PathSegment.encode(roomId) + "/accept", null, Room.class);
  }

  @Override
  public CompletableFuture<Void> declineInvite(String roomId) {
    return call("POST", "/me/invites/" + PathSegment.encode(roomId) + "/decline", null, Void.class);
  }

  @Override
  public CompletableFuture<BlockList> blocks() {
    return call("GET", "/me/blocks", null, BlockList.class);
  }

  @Override
  public CompletableFuture<Void> block(String username) {
    return call("POST", "/me/blocks/" + PathSegment.encode(username), null, Void.class);
  }

  @Override
  public CompletableFuture<Void> unblock(String username) {
    return call("DELETE", "/me/blocks/" + PathSegment.encode(username), null, Void.class);
  }

  @Override
  public CompletableFuture<SearchResults> search(String query, int limit, String before) {
    return call("GET", "/search?q=" + queryParameter(query) + "&limit=" + limit
        + (before == null ? "" : "&before=" + queryParameter(before)), null, SearchResults.class);
  }

  /** A query parameter's value with a space as %20: a '+' reads as a space to some servers and as itself to others. */
  private static String queryParameter(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public CompletableFuture<Message> upload(String roomId, Path file, String clientMsgId, LongConsumer sent) {
    HttpRequest request;
    try {
      request = FileTransfers.upload(server, token, roomId, file, clientMsgId, sent);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new ApiException(0, "unreadable_file", "cannot read " + file + ": "
          + e.getMessage()));
    }
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .handle((response, failure) -> {
          if (failure != null) {
            throw ApiException.of(failure);
          }
          return read(response, Message.class);
        });
  }

  @Override
  public CompletableFuture<Path> download(FileRef file, Path dir, LongConsumer received) {
    return FileTransfers.download(http, server, token, file, dir, received);
  }

  private <T> CompletableFuture<T> call(String method, String path, Object body, Class<T> type) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve("/api/v1" + path))
        .timeout(TIMEOUT)
        .header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .handle((response, failure) -> {
          if (failure != null) {
            throw ApiException.of(failure);
          }
          return read(response, type);
        });
  }

  private static <T> T read(HttpResponse<String> response, Class<T> type) {
    int status = response.statusCode();
    try {
      if (status >= 200 && status < 300) {
        return type == Void.class || response.body().isEmpty() ? null : JSON.readValue(response.body(), type);
      }
      ErrorBody error = JSON.readValue(response.body(), ErrorBody.class);
      throw new ApiException(status, error.error().code(), error.error().message(), error.error().lastSeq());
    } catch (JsonProcessingException e) {
      throw new ApiException(status, "bad_response", "the server answered " + status + " with no readable body");
    }
  }

  private static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
