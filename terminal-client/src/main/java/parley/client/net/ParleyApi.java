package parley.client.net;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import parley.protocol.Admin;
import parley.protocol.BlockList;
import parley.protocol.UserDirectory;
import parley.protocol.InviteLinkRequest;
import parley.protocol.ReportRequest;
import parley.protocol.ReportView;
import parley.protocol.InviteLinkView;
import parley.protocol.CreateRoom;
import parley.protocol.Credentials;
import parley.protocol.FileRef;
import parley.protocol.InviteList;
import parley.protocol.LoginResponse;
import parley.protocol.Me;
import parley.protocol.Message;
import parley.protocol.MessagePage;
import parley.protocol.Moderation;
import parley.protocol.NotificationList;
import parley.protocol.RoleChange;
import parley.protocol.Room;
import parley.protocol.RoomChange;
import parley.protocol.RoomListing;
import parley.protocol.RoomReceipts;
import parley.protocol.SearchResults;
import parley.protocol.SessionList;
import parley.protocol.SignupResponse;
import parley.protocol.UserPresence;

/**
 * The HTTP half of protocol v1, one method per call. Every future fails with an {@link ApiException}. The calls
 * after login carry the token this instance was made with ({@link #withToken}).
 */
public interface ParleyApi {

  ParleyApi withToken(String token);

  CompletableFuture<SignupResponse> signup(Credentials credentials);

  CompletableFuture<LoginResponse> login(Credentials credentials);

  CompletableFuture<Void> logout();

  CompletableFuture<Me> me();

  /** The first page of rooms whose name contains {@code query} (all rooms for null), as {@code GET /rooms?q=}. */
  CompletableFuture<RoomListing> rooms(String query);

  CompletableFuture<Room> createRoom(CreateRoom body);

  CompletableFuture<Room> room(String roomId);

  /** The newest page of the user's notifications inbox. */
  CompletableFuture<NotificationList> notifications();

  /** Each member's delivered and read markers in the room. */
  CompletableFuture<RoomReceipts> receipts(String roomId);

  CompletableFuture<Room> join(String roomId, String passcode);

  CompletableFuture<Void> leave(String roomId);

  /** The latest {@code limit} entries. */
  CompletableFuture<MessagePage> latest(String roomId, int limit);

  /** Entries with seq below {@code seq}, the closest first in the page's ascending order. */
  CompletableFuture<MessagePage> before(String roomId, long seq, int limit);

  /** Entries with seq above {@code seq}: how a client resumes. */
  CompletableFuture<MessagePage> after(String roomId, long seq, int limit);

  CompletableFuture<Message> post(String roomId, String clientMsgId, String text);

  CompletableFuture<Room> openDm(String username);

  /** The group DM of the user and these 2 to 9 others. */
  CompletableFuture<Room> openGroup(List<String> usernames);

  CompletableFuture<UserPresence> user(String username);

  /** A new password, given the current one; every other login of the user ends. */
  CompletableFuture<Void> changePassword(String current, String next);

  /** The user's logins, as the devices they are on. */
  CompletableFuture<SessionList> sessions();

  /** End one login (by its id from {@link #sessions}). */
  CompletableFuture<Void> endSession(String id);

  /** The owner or an admin changes the room (each non-null field). */
  CompletableFuture<Room> changeRoom(String roomId, RoomChange change);

  /** {@code action} is kick, ban or unban. */
  CompletableFuture<Room> moderate(String roomId, String action, Moderation body);

  /** v1.3: invites {@code username} to the room (owner, admins). */
  CompletableFuture<Void> invite(String roomId, String username);

  /** v1.4: a new invite link to the room (owner, admins), with its token: the only time the token is seen. */
  CompletableFuture<InviteLinkView> makeInviteLink(String roomId, InviteLinkRequest body);

  /** v1.4: the room's links that stand, without tokens (owner, admins). */
  CompletableFuture<InviteLinkView.Listing> inviteLinks(String roomId);

  /** v1.4: revokes one of the room's links (owner, admins). */
  CompletableFuture<Void> revokeInviteLink(String roomId, String linkId);

  /** v1.4: joins the room of the invite link {@code token} (410 {@code invite_expired} once it admits nobody). */
  CompletableFuture<Room> acceptInviteLink(String token);

  /** v1.4: the address that opens the link in the web client: the token rides in the fragment, never sent on. */
  String inviteUrl(String token);

  /** v1.4: reports the message at {@code seq} to the room's owner and admins. */
  CompletableFuture<ReportView> report(String roomId, long seq, ReportRequest body);

  /** v1.4: the room's open reports, oldest first (owner, admins). */
  CompletableFuture<ReportView.Queue> reports(String roomId);

  /** v1.4: resolves a report: dismiss, delete, kick or ban (owner, admins). */
  CompletableFuture<ReportView> resolveReport(String roomId, String reportId, String action);

  /** v1.4: the listed people whose name starts with {@code prefix} (the first page). */
  CompletableFuture<UserDirectory> findUsers(String prefix);

  /** v1.4: whether the user is found in the directory. */
  CompletableFuture<UserDirectory.Listing> setListed(boolean listed);

  /** v1.4, a server admin's: the accounts, by name (the first page). */
  CompletableFuture<Admin.Users> adminUsers();

  CompletableFuture<Void> adminSetDeactivated(String username, boolean off);

  CompletableFuture<Void> adminResetSessions(String username);

  CompletableFuture<Admin.Settings> adminSetSignup(String policy);

  CompletableFuture<Admin.Audit> adminAudit(int limit);

  /** v1.4, a server admin's: an invitation to sign up (its token shown once). */
  CompletableFuture<Admin.SignupInvite> adminMakeInvite();

  /** The owner deletes the room, with its history. */
  CompletableFuture<Void> deleteRoom(String roomId);

  /** The owner names an admin, unnames one, or hands the room over. */
  CompletableFuture<Room> setRole(String roomId, RoleChange body);

  /**
   * Shares the file at {@code file} in the room, streamed from disk; {@code sent} hears how many bytes went.
   * Cancelling the future stops the upload.
   */
  CompletableFuture<Message> upload(String roomId, Path file, String clientMsgId, LongConsumer sent);

  /** Downloads the file into {@code dir} (resuming a {@code .part} of it), its sha256 checked. */
  CompletableFuture<Path> download(FileRef file, Path dir, LongConsumer received);

  /** Close the account, given its password. */
  CompletableFuture<Void> closeAccount(String password);

  /** The invitations waiting for the user's answer, oldest first. */
  CompletableFuture<InviteList> invites();

  /** Joins the room of the invitation (404 {@code no_such_invite} if there is none). */
  CompletableFuture<Room> acceptInvite(String roomId);

  /** Says no to the invitation; it ends on every device. */
  CompletableFuture<Void> declineInvite(String roomId);

  /** The users this user blocks. */
  CompletableFuture<BlockList> blocks();

  /** Keeps {@code username} out of the user's DMs and group DMs; their waiting invitations end. */
  CompletableFuture<Void> block(String username);

  CompletableFuture<Void> unblock(String username);

  /**
   * v1.2: the messages matching {@code query} in the user's rooms, newest first, {@code limit} to a page;
   * {@code before}: a page's {@code next}, for the page after it (null: the first). A query the server cannot read
   * fails with 400 {@code invalid_query}, {@code query_too_long} or {@code too_many_terms}, its message naming why.
   */
  CompletableFuture<SearchResults> search(String query, int limit, String before);
}
