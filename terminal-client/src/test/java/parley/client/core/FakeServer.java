package parley.client.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import parley.client.net.ApiException;
import parley.client.net.ParleyApi;
import parley.protocol.Admin;
import parley.protocol.BlockList;
import parley.protocol.CreateRoom;
import parley.protocol.Credentials;
import parley.protocol.FileRef;
import parley.protocol.InviteLinkRequest;
import parley.protocol.ReportRequest;
import parley.protocol.ReportView;
import parley.protocol.InviteLinkView;
import parley.protocol.InviteList;
import parley.protocol.LoginResponse;
import parley.protocol.Me;
import parley.protocol.Member;
import parley.protocol.Message;
import parley.protocol.MessagePage;
import parley.protocol.Moderation;
import parley.protocol.NotificationList;
import parley.protocol.Retention;
import parley.protocol.RoleChange;
import parley.protocol.Room;
import parley.protocol.RoomChange;
import parley.protocol.RoomListing;
import parley.protocol.RoomReceipts;
import parley.protocol.RoomSummary;
import parley.protocol.SearchResults;
import parley.protocol.ServerFrame;
import parley.protocol.SessionList;
import parley.protocol.SignupResponse;
import parley.protocol.UserPresence;

/**
 * The HTTP side of a server, in memory, answering at once: rooms with timelines that tests append to, read as
 * {@link FakeHistory} pages them. Records each call.
 */
public final class FakeServer implements ParleyApi {
  public final List<String> calls = new ArrayList<>();
  private final Map<String, Room> rooms = new LinkedHashMap<>();
  private final Map<String, List<Message>> timelines = new HashMap<>();
  private final FakeHistory history = new FakeHistory(timelines);
  private final Map<String, Boolean> online = new HashMap<>();
  private final String me;
  private Instant clock = Instant.parse("2025-03-14T09:00:00Z");
  private int ids;

  /** v1.2 search over these rooms. */
  public final FakeSearch search;

  public FakeServer(String me) {
    this.me = me;
    this.invites = new FakeInvites(me);
    this.search = new FakeSearch(me, rooms, timelines::get);
  }

  @Override
  public CompletableFuture<SearchResults> search(String query, int limit, String before) {
    return answer("search " + query + (before == null ? "" : " before " + before), () -> search.search(query, limit,
        before));
  }

  public void room(String id, String name, String kind, String... members) {
    List<Member> list = new ArrayList<>();
    for (String m : members) {
      list.add(new Member(m, online.getOrDefault(m, true), null));
    }
    rooms.put(id, new Room(id, name, kind, members[0], kind.equals("dm") ? 2 : 1000, false, 0, list));
    timelines.put(id, new ArrayList<>());
  }

  public void online(String user, boolean isOnline) {
    online.put(user, isOnline);
  }

  /** Appends an entry as the server would store it; returns it (as a frame, ready to deliver). */
  public ServerFrame.MessageFrame says(String room, String sender, String text) {
    return append(room, Message.KIND_MESSAGE, sender, text, "c-" + (++ids));
  }

  public ServerFrame.MessageFrame postWithId(String room, String sender, String text, String clientMsgId) {
    return append(room, Message.KIND_MESSAGE, sender, text, clientMsgId);
  }

  public ServerFrame.MessageFrame joined(String room, String user) {
    return append(room, Message.KIND_JOINED, user, null, null);
  }

  /**
   * {@code user} closes their account, as the server records it: an {@code account_closed} entry, and their earlier
   * entries marked {@code senderDeleted} (v1.1). Also an entry of a kind this client does not know, as a later
   * version's server might write.
   */
  public ServerFrame.MessageFrame closesAccount(String room, String user) {
    List<Message> timeline = timelines.get(room);
    timeline.replaceAll(m -> user.equals(m.sender())
        ? new Message(m.room(), m.seq(), m.kind(), m.sender(), m.text(), m.sentAt(), m.clientMsgId(), m.mentions(), true)
        : m);
    append(room, "topic_of_tomorrow", user, "something new", null);
    clock = clock.plusSeconds(60);
    Message m = new Message(room, timeline.size() + 1, Message.KIND_ACCOUNT_CLOSED, user, null, clock, null, List.of(),
        true);
    timeline.add(m);
    rooms.computeIfPresent(room, (id, r) -> new Room(r.id(), r.name(), r.kind(), r.owner(), r.capacity(), r.passcode(),
        r.lastSeq(), r.members().stream().filter(x -> !x.username().equals(user)).toList()));
    return ServerFrame.MessageFrame.of(m);
  }

  private ServerFrame.MessageFrame append(String room, String kind, String sender, String text, String id) {
    List<Message> timeline = timelines.get(room);
    clock = clock.plusSeconds(60);
    Message m = new Message(room, timeline.size() + 1, kind, sender, text, clock, id);
    timeline.add(m);
    return ServerFrame.MessageFrame.of(m);
  }

  public Retention lastRetention;

  /** v1.1: the room's retention removes the entries before {@code floor}: a trimmed entry, as a frame. */
  public ServerFrame.MessageFrame trims(String room, long floor) {
    history.floor(room, floor);
    List<Message> timeline = timelines.get(room);
    clock = clock.plusSeconds(60);
    Message m = new Message(room, timeline.size() + 1, Message.KIND_TRIMMED, me, null, clock, null, List.of(), null,
        null, null, null, null, null, null, null, null, null, null, null, null, floor);
    timeline.add(m);
    return ServerFrame.MessageFrame.of(m);
  }

  /** The server loses the newest {@code count} entries of a room (a crash that took acknowledged writes). */
  public void loses(String room, int count) {
    List<Message> t = timelines.get(room);
    t.subList(t.size() - count, t.size()).clear();
  }

  public Instant now() {
    return clock;
  }

  public RoomSummary summary(String room, long readSeq) {
    Room r = full(room);
    return new RoomSummary(r.id(), r.name(), r.kind(), r.lastSeq(), readSeq, r.lastSeq() - readSeq);
  }

  public List<Message> timeline(String room) {
    return List.copyOf(timelines.get(room));
  }

  private Room full(String id) {
    Room r = rooms.get(id);
    if (r == null) {
      throw new ApiException(404, "no_such_room", "there is no such room");
    }
    List<Member> members = r.members().stream()
        .map(m -> new Member(m.username(), online.getOrDefault(m.username(), true), m.lastSeen(), m.role()))
        .toList();
    return new Room(r.id(), r.name(), r.kind(), r.owner(), r.capacity(), r.passcode(), timelines.get(id).size(), members,
        r.topic());
  }

  private <T> CompletableFuture<T> answer(String call, Supplier<T> body) {
    calls.add(call);
    try {
      return CompletableFuture.completedFuture(body.get());
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public ParleyApi withToken(String token) {
    return this;
  }

  @Override
  public CompletableFuture<SignupResponse> signup(Credentials credentials) {
    return answer("signup", () -> new SignupResponse(credentials.username()));
  }

  @Override
  public CompletableFuture<LoginResponse> login(Credentials credentials) {
    return answer("login", () -> new LoginResponse("token", credentials.username(), clock.plusSeconds(3600)));
  }

  @Override
  public CompletableFuture<Void> logout() {
    return answer("logout", () -> null);
  }

  @Override
  public CompletableFuture<Me> me() {
    return answer("me", () -> new Me(me, rooms.keySet().stream().map(id -> summary(id, 0)).toList()));
  }

  @Override
  public CompletableFuture<RoomListing> rooms(String query) {
    return answer("rooms", () -> new RoomListing(rooms.values().stream()
        .filter(r -> r.kind().equals("room"))
        .filter(r -> query == null || r.name().toLowerCase().contains(query.toLowerCase()))
        .map(r -> new RoomListing.Entry(r.id(), r.name(), r.members().size(), 1, r.passcode(), r.capacity()))
        .toList()));
  }

  @Override
  public CompletableFuture<Room> createRoom(CreateRoom body) {
    return answer("create " + body.name(), () -> {
      String id = "new" + (++ids);
      room(id, body.name(), "room", me);
      joined(id, me);
      return full(id);
    });
  }

  /** v1.1 receipts per room, as the server would answer them (none unless a test sets some). */
  public final Map<String, List<RoomReceipts.Member>> receipts =
      new HashMap<>();

  /** v1.1 inbox, newest first, as the server would answer it. */
  public final List<NotificationList.Item> inbox = new ArrayList<>();

  @Override
  public CompletableFuture<NotificationList> notifications() {
    return answer("notifications", () -> new NotificationList(inbox, null));
  }

  @Override
  public CompletableFuture<RoomReceipts> receipts(String roomId) {
    return answer("receipts " + roomId,
        () -> new RoomReceipts(receipts.getOrDefault(roomId, List.of())));
  }

  @Override
  public CompletableFuture<Room> room(String roomId) {
    return answer("room " + roomId, () -> full(roomId));
  }

  @Override
  public CompletableFuture<Room> join(String roomId, String passcode) {
    return answer("join " + roomId, () -> {
      Room r = full(roomId);
      String needed = passcodes.get(roomId);
      if (needed == null || r.members().stream().anyMatch(m -> m.username().equals(me))) {
        return r;
      }
      if (passcode == null) {
        throw new ApiException(403, "passcode_required", "this room needs a passcode to join");
      }
      if (!needed.equals(passcode)) {
        throw new ApiException(403, "wrong_passcode", "that passcode does not open this room");
      }
      return enter(roomId);
    });
  }

  /** v1.2: each passcode room's passcode (set by {@link #passcode}). */
  private final Map<String, String> passcodes = new HashMap<>();

  public void passcode(String room, String passcode) {
    passcodes.put(room, passcode);
    rooms.computeIfPresent(room, (id, r) -> new Room(r.id(), r.name(), r.kind(), r.owner(), r.capacity(), true,
        r.lastSeq(), r.members()));
  }

  /** The user joins: a member, with a joined entry. */
  private Room enter(String roomId) {
    Room r = rooms.get(roomId);
    List<Member> members = new ArrayList<>(r.members());
    members.add(new Member(me, true, null));
    rooms.put(roomId, new Room(r.id(), r.name(), r.kind(), r.owner(), r.capacity(), r.passcode(), r.lastSeq(), members,
        r.topic()));
    joined(roomId, me);
    return full(roomId);
  }

  // ---------------------------------------------------------------------------------------------- v1.2 invitations

  public final FakeInvites invites;

  /** {@code from} opens a group DM with the user and {@code others}: the user is invited, not in it. */
  public InviteList.Item invites(String from, String... others) {
    TreeSet<String> all = new TreeSet<>(List.of(others));
    all.addAll(List.of(from, me));
    String id = "g" + Integer.toHexString(all.hashCode());
    String name = String.join(", ", all);
    all.remove(me);
    room(id, name, "group", all.toArray(String[]::new));
    joined(id, from);
    invites.waiting.add(new InviteList.Item(new InviteList.RoomRef(id, name, "group"), from, clock));
    return invites.waiting.get(invites.waiting.size() - 1);
  }

  /** Invite links made through this server, by token: their room and the view as made. */
  public final Map<String, InviteLinkView> links = new LinkedHashMap<>();

  @Override
  public CompletableFuture<InviteLinkView> makeInviteLink(String roomId, InviteLinkRequest body) {
    return answer("link " + roomId, () -> {
      String token = ("t" + links.size()).repeat(43).substring(0, 43);
      InviteLinkView made = new InviteLinkView("L" + links.size(), token, roomId, me, clock,
          clock.plusSeconds(body.expiresIn() == null ? 604_800 : body.expiresIn()), body.maxUses(), 0);
      links.put(token, made);
      return made;
    });
  }

  @Override
  public CompletableFuture<InviteLinkView.Listing> inviteLinks(String roomId) {
    return answer("links " + roomId, () -> new InviteLinkView.Listing(links.values().stream()
        .filter(l -> l.roomId().equals(roomId))
        .map(l -> new InviteLinkView(l.id(), null, l.roomId(), l.createdBy(), l.createdAt(), l.expiresAt(), l.maxUses(),
            l.uses()))
        .toList()));
  }

  @Override
  public CompletableFuture<Void> revokeInviteLink(String roomId, String linkId) {
    return answer("revokelink " + linkId, () -> {
      if (!links.values().removeIf(l -> l.id().equals(linkId) && l.roomId().equals(roomId))) {
        throw new ApiException(404, "no_such_invite_link", "the room has no such invite link standing");
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Room> acceptInviteLink(String token) {
    return answer("acceptlink " + token, () -> {
      InviteLinkView link = links.get(token);
      if (link == null) {
        throw new ApiException(404, "no_such_invite", "no invite link has that token");
      }
      return enter(link.roomId());
    });
  }

  /** Reports filed through this server, in order. */
  public final List<ReportView> reports = new ArrayList<>();

  @Override
  public CompletableFuture<ReportView> report(String roomId, long seq, ReportRequest body) {
    return answer("report " + roomId + " " + seq, () -> {
      Message m = timelines.getOrDefault(roomId, List.of()).stream().filter(x -> x.seq() == seq).findFirst()
          .orElseThrow(() -> new ApiException(404, "no_such_message", "the room has no message at that seq"));
      ReportView r = new ReportView("R" + reports.size(), roomId, seq, m.sender(), me, body.reason(), clock, null, null,
          null, m);
      reports.add(r);
      return r;
    });
  }

  @Override
  public CompletableFuture<ReportView.Queue> reports(String roomId) {
    return answer("reports " + roomId, () -> new ReportView.Queue(reports.stream()
        .filter(r -> r.roomId().equals(roomId) && r.outcome() == null).toList()));
  }

  @Override
  public CompletableFuture<ReportView> resolveReport(String roomId, String reportId, String action) {
    return answer("resolve " + reportId + " " + action, () -> {
      for (int i = 0; i < reports.size(); i++) {
        ReportView r = reports.get(i);
        if (r.id().equals(reportId)) {
          ReportView done = new ReportView(r.id(), r.roomId(), r.seq(), r.sender(), r.reporter(), r.reason(),
              r.createdAt(), clock, me, action.equals("dismiss") ? "dismissed" : action + "ed", null);
          reports.set(i, done);
          return done;
        }
      }
      throw new ApiException(404, "no_such_report", "the room has no such report");
    });
  }

  /** The accounts an admin sees, by name: deactivated ones in {@link #deactivated}. */
  public final java.util.TreeSet<String> deactivated = new java.util.TreeSet<>();
  public final List<Admin.AuditEntry> audit = new ArrayList<>();
  public String signup = "open";

  public boolean listed = true;

  @Override
  public CompletableFuture<parley.protocol.UserDirectory> findUsers(String prefix) {
    return answer("users " + prefix, () -> new parley.protocol.UserDirectory(rooms.values().stream()
        .flatMap(r -> r.members().stream()).map(Member::username).distinct().sorted()
        .filter(n -> n.startsWith(prefix) && (listed || !n.equals(me)))
        .map(n -> new parley.protocol.UserPresence(n, online.getOrDefault(n, false), null)).toList(), null));
  }

  @Override
  public CompletableFuture<parley.protocol.UserDirectory.Listing> setListed(boolean listed) {
    return answer("listed " + listed, () -> {
      this.listed = listed;
      return new parley.protocol.UserDirectory.Listing(listed);
    });
  }

  @Override
  public CompletableFuture<Admin.Users> adminUsers() {
    return answer("admin users", () -> new Admin.Users(List.of(
        new Admin.User(me, clock, true, false, false, true, null),
        new Admin.User("mallory", clock, false, deactivated.contains("mallory"), false, false, clock)), null));
  }

  @Override
  public CompletableFuture<Void> adminSetDeactivated(String username, boolean off) {
    return answer("admin " + (off ? "off " : "on ") + username, () -> run(() -> {
      if (!username.equals("mallory")) {
        throw new ApiException(404, "no_such_user", "there is no such user");
      }
      if (off) {
        deactivated.add(username);
      } else {
        deactivated.remove(username);
      }
      audit.add(0, new Admin.AuditEntry(audit.size() + 1, clock, me, off ? "deactivate" : "reactivate", username, null,
          null, "127.0.0.1"));
    }));
  }

  @Override
  public CompletableFuture<Void> adminResetSessions(String username) {
    return answer("admin signout " + username, () -> run(() -> {}));
  }

  @Override
  public CompletableFuture<Admin.Settings> adminSetSignup(String policy) {
    return answer("admin signup " + policy, () -> {
      signup = policy;
      return new Admin.Settings(policy);
    });
  }

  @Override
  public CompletableFuture<Admin.SignupInvite> adminMakeInvite() {
    return answer("admin invite", () -> new Admin.SignupInvite("s".repeat(43), clock.plusSeconds(604_800), null));
  }

  @Override
  public CompletableFuture<Admin.Audit> adminAudit(int limit) {
    return answer("admin audit", () -> new Admin.Audit(audit, null));
  }

  @Override
  public String inviteUrl(String token) {
    return "http://fake/#invite=" + token;
  }

  @Override
  public CompletableFuture<InviteList> invites() {
    return answer("invites", () -> new InviteList(invites.waiting));
  }

  @Override
  public CompletableFuture<Room> acceptInvite(String roomId) {
    return answer("accept " + roomId, () -> {
      invites.answer(roomId);
      return enter(roomId);
    });
  }

  @Override
  public CompletableFuture<Void> declineInvite(String roomId) {
    return answer("decline " + roomId, () -> run(() -> invites.answer(roomId)));
  }

  @Override
  public CompletableFuture<BlockList> blocks() {
    return answer("blocks", () -> new BlockList(List.copyOf(invites.blocked)));
  }

  @Override
  public CompletableFuture<Void> block(String username) {
    return answer("block " + username, () -> run(() -> invites.block(username)));
  }

  @Override
  public CompletableFuture<Void> unblock(String username) {
    return answer("unblock " + username, () -> run(() -> invites.blocked.remove(username)));
  }

  private static Void run(Runnable call) {
    call.run();
    return null;
  }

  @Override
  public CompletableFuture<Void> leave(String roomId) {
    return answer("leave " + roomId, () -> {
      full(roomId);
      return null;
    });
  }

  @Override
  public CompletableFuture<MessagePage> latest(String roomId, int limit) {
    return answer("latest " + roomId, () -> history.latest(roomId, limit));
  }

  @Override
  public CompletableFuture<MessagePage> before(String roomId, long seq, int limit) {
    return answer("before " + roomId + " " + seq, () -> history.before(roomId, seq, limit));
  }

  @Override
  public CompletableFuture<MessagePage> after(String roomId, long seq, int limit) {
    return answer("after " + roomId + " " + seq, () -> history.after(roomId, seq, limit));
  }

  /** v1.1: the bytes of each file shared here, by id. */
  public final Map<String, byte[]> files = new HashMap<>();
  /** v1.1: an upload in flight waits for this (a test completes it, or cancels the upload). */
  public CompletableFuture<Void> uploadGate = CompletableFuture.completedFuture(null);

  /** v1.1: a file entry of {@code sender}, stored, with its bytes. */
  public ServerFrame.MessageFrame shares(String room, String sender, String name, byte[] bytes) {
    List<Message> timeline = timelines.get(room);
    clock = clock.plusSeconds(60);
    String id = "f" + String.format("%031x", files.size() + 1);
    String sha;
    try {
      sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    files.put(id, bytes);
    Message m = new Message(room, timeline.size() + 1, Message.KIND_FILE, sender, name, clock, "c-" + (++ids),
        List.of(), null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        new FileRef(id, name, bytes.length, "application/octet-stream", sha));
    timeline.add(m);
    return ServerFrame.MessageFrame.of(m);
  }

  @Override
  public CompletableFuture<Message> upload(String roomId, Path file, String clientMsgId,
      LongConsumer sent) {
    calls.add("upload " + roomId + " " + file.getFileName());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    sent.accept(bytes.length / 2);
    return uploadGate.thenApply(v -> {
      sent.accept(bytes.length);
      return shares(roomId, me, file.getFileName().toString(), bytes).toMessage();
    });
  }

  @Override
  public CompletableFuture<Path> download(FileRef file, Path dir,
      LongConsumer received) {
    calls.add("download " + file.id());
    try {
      Files.createDirectories(dir);
      Path target = dir.resolve(file.name());
      Files.write(target, files.get(file.id()));
      received.accept(file.size());
      return CompletableFuture.completedFuture(target);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Message> post(String roomId, String clientMsgId, String text) {
    return answer("post " + roomId, () -> postWithId(roomId, me, text, clientMsgId).toMessage());
  }

  @Override
  public CompletableFuture<Room> openDm(String username) {
    return answer("dm " + username, () -> {
      String id = me.compareTo(username) < 0 ? "dm:" + me + ":" + username : "dm:" + username + ":" + me;
      if (!rooms.containsKey(id)) {
        room(id, me + ", " + username, "dm", me, username);
      }
      return full(id);
    });
  }

  @Override
  public CompletableFuture<UserPresence> user(String username) {
    return answer("user " + username, () -> new UserPresence(username, online.getOrDefault(username, true), null));
  }

  /** The last moderation entry the fake stored (v1.1), as a frame ready to deliver. */
  public ServerFrame.MessageFrame lastModeration;

  /** An entry of a moderation kind, stored; {@code topic}: the room's new topic when it is one. */
  public ServerFrame.MessageFrame moderation(String room, String kind, String sender, String user, String role,
      String text) {
    List<Message> timeline = timelines.get(room);
    clock = clock.plusSeconds(60);
    Message m = new Message(room, timeline.size() + 1, kind, sender, text, clock, null, List.of(), null, user, role,
        null, null);
    timeline.add(m);
    Room r = rooms.get(room);
    List<Member> members = new ArrayList<>(r.members());
    String topic = r.topic();
    if (Message.KIND_KICKED.equals(kind) || Message.KIND_BANNED.equals(kind)) {
      members.removeIf(x -> x.username().equals(user));
    } else if (Message.KIND_ROLE.equals(kind)) {
      members.replaceAll(x -> x.username().equals(user) ? new Member(x.username(), x.online(), x.lastSeen(), role) : x);
    } else if (Message.KIND_TOPIC.equals(kind)) {
      topic = text;
    }
    rooms.put(room, new Room(r.id(), r.name(), r.kind(), r.owner(), r.capacity(), r.passcode(), r.lastSeq(), members,
        topic));
    lastModeration = ServerFrame.MessageFrame.of(m);
    return lastModeration;
  }

  @Override
  public CompletableFuture<Room> changeRoom(String roomId, RoomChange change) {
    return answer("change " + roomId, () -> {
      if (change.topic() != null) {
        moderation(roomId, Message.KIND_TOPIC, me, null, null, change.topic());
      }
      if (change.retention() != null) {
        lastRetention = change.retention();
        List<Message> timeline = timelines.get(roomId);
        clock = clock.plusSeconds(60);
        Message m = new Message(roomId, timeline.size() + 1, Message.KIND_RETENTION, me, null, clock, null, List.of(),
            null, null, null, null, null, null, null, null, null, null, null, null, change.retention(), null);
        timeline.add(m);
        lastModeration = ServerFrame.MessageFrame.of(m);
      }
      return full(roomId);
    });
  }

  @Override
  public CompletableFuture<Void> invite(String roomId, String username) {
    return answer("invite " + username, () -> {
      moderation(roomId, Message.KIND_INVITED, me, username, null, null);
      return null;
    });
  }

  @Override
  public CompletableFuture<Room> moderate(String roomId, String action, Moderation body) {
    return answer(action + " " + body.username() + (body.reason() == null ? "" : " " + body.reason()), () -> {
      if (!action.equals("unban")) {
        moderation(roomId, action.equals("kick") ? Message.KIND_KICKED : Message.KIND_BANNED, me, body.username(), null,
            body.reason());
      }
      return full(roomId);
    });
  }

  @Override
  public CompletableFuture<Room> openGroup(List<String> usernames) {
    return answer("group " + String.join(" ", usernames), () -> {
      TreeSet<String> all = new TreeSet<>(usernames);
      all.add(me);
      String id = "g" + String.join("", all).hashCode();
      if (!rooms.containsKey(id)) {
        room(id, String.join(", ", all), "group", all.toArray(String[]::new));
      }
      return full(id);
    });
  }

  @Override
  public CompletableFuture<Void> deleteRoom(String roomId) {
    return answer("delete " + roomId, () -> {
      rooms.remove(roomId);
      return null;
    });
  }

  @Override
  public CompletableFuture<Room> setRole(String roomId, RoleChange body) {
    return answer("role " + body.username() + " " + body.role(), () -> {
      moderation(roomId, Message.KIND_ROLE, me, body.username(), body.role(), null);
      return full(roomId);
    });
  }

  /** v1.1: an edit or delete entry of {@code sender}'s, about the message at {@code target}, stored. */
  public ServerFrame.MessageFrame changes(String room, String kind, String sender, long target, String text) {
    List<Message> timeline = timelines.get(room);
    clock = clock.plusSeconds(60);
    Message m = new Message(room, timeline.size() + 1, kind, sender, text, clock, "c-" + (++ids), List.of(), null, null,
        null, null, null, target, null, null, null);
    timeline.add(m);
    return ServerFrame.MessageFrame.of(m);
  }

  /** v1.1: a reaction entry: {@code sender} put {@code emoji} on (or took it off) the message at {@code target}. */
  public ServerFrame.MessageFrame reacts(String room, String sender, long target, String emoji, boolean on) {
    List<Message> timeline = timelines.get(room);
    clock = clock.plusSeconds(60);
    Message m = new Message(room, timeline.size() + 1, Message.KIND_REACTION, sender, null, clock, "c-" + (++ids),
        List.of(), null, null, null, null, null, target, null, null, null, emoji, on, null);
    timeline.add(m);
    return ServerFrame.MessageFrame.of(m);
  }

  /** A message answering the one at {@code replyTo}, stored with the client's id. */
  public ServerFrame.MessageFrame replies(String room, String sender, String text, String clientMsgId, long replyTo) {
    List<Message> timeline = timelines.get(room);
    clock = clock.plusSeconds(60);
    Message m = new Message(room, timeline.size() + 1, Message.KIND_MESSAGE, sender, text, clock, clientMsgId, List.of(),
        null, null, null, null, null, null, replyTo, null, null);
    timeline.add(m);
    return ServerFrame.MessageFrame.of(m);
  }

  /** The account's password, as the fake checks it. */
  public String password = "correct horse";

  @Override
  public CompletableFuture<Void> changePassword(String current, String next) {
    return answer("password", () -> {
      if (!password.equals(current)) {
        throw new ApiException(403, "wrong_password", "current is not your password");
      }
      password = next;
      return null;
    });
  }

  /** v1.2: logins the account's limit ended, newest first. */
  public final List<SessionList.Ended> sessionsEnded = new ArrayList<>();

  @Override
  public CompletableFuture<SessionList> sessions() {
    return answer("sessions", () -> new SessionList(List.of(
        new SessionList.Item("5d41402abc4b2a76", clock, clock, "198.51.100.20", "Parley-Terminal/0.1",
            true, clock.plusSeconds(86_400)),
        new SessionList.Item("0123456789abcdef", clock, clock, "203.0.113.9", "Mozilla/5.0",
            false, clock.plusSeconds(86_400))), 32, sessionsEnded));
  }

  @Override
  public CompletableFuture<Void> endSession(String id) {
    return answer("end session " + id, () -> null);
  }

  @Override
  public CompletableFuture<Void> closeAccount(String password) {
    return answer("close account", () -> {
      if (!this.password.equals(password)) {
        throw new ApiException(403, "wrong_password", "that is not your password");
      }
      return null;
    });
  }
}
