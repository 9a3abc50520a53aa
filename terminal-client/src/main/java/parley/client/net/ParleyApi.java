package parley.client.net;

import java.util.concurrent.CompletableFuture;
import parley.protocol.CreateRoom;
import parley.protocol.Credentials;
import parley.protocol.LoginResponse;
import parley.protocol.Me;
import parley.protocol.Message;
import parley.protocol.MessagePage;
import parley.protocol.Room;
import parley.protocol.RoomListing;
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

  /** v1.1: the newest page of the user's notifications inbox. */
  CompletableFuture<parley.protocol.NotificationList> notifications();

  /** v1.1: each member's delivered and read markers in the room. */
  CompletableFuture<parley.protocol.RoomReceipts> receipts(String roomId);

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

  /** v1.1: the group DM of the user and these 2 to 9 others. */
  CompletableFuture<Room> openGroup(java.util.List<String> usernames);

  CompletableFuture<UserPresence> user(String username);

  /** v1.1: a new password, given the current one; every other login of the user ends. */
  CompletableFuture<Void> changePassword(String current, String next);

  /** v1.1: the user's logins, as the devices they are on. */
  CompletableFuture<parley.protocol.SessionList> sessions();

  /** v1.1: end one login (by its id from {@link #sessions}). */
  CompletableFuture<Void> endSession(String id);

  /** v1.1: the owner or an admin changes the room (each non-null field). */
  CompletableFuture<Room> changeRoom(String roomId, parley.protocol.RoomChange change);

  /** v1.1: {@code action} is kick, ban or unban. */
  CompletableFuture<Room> moderate(String roomId, String action, parley.protocol.Moderation body);

  /** v1.1: the owner deletes the room, with its history. */
  CompletableFuture<Void> deleteRoom(String roomId);

  /** v1.1: the owner names an admin, unnames one, or hands the room over. */
  CompletableFuture<Room> setRole(String roomId, parley.protocol.RoleChange body);

  /**
   * v1.1: shares the file at {@code file} in the room, streamed from disk; {@code sent} hears how many bytes went.
   * Cancelling the future stops the upload.
   */
  CompletableFuture<Message> upload(String roomId, java.nio.file.Path file, String clientMsgId,
      java.util.function.LongConsumer sent);

  /** v1.1: downloads the file into {@code dir} (resuming a {@code .part} of it), its sha256 checked. */
  CompletableFuture<java.nio.file.Path> download(parley.protocol.FileRef file, java.nio.file.Path dir,
      java.util.function.LongConsumer received);

  /** v1.1: close the account, given its password. */
  CompletableFuture<Void> closeAccount(String password);
}
