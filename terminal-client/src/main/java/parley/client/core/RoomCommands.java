package parley.client.core;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import parley.client.net.ApiException;
import parley.client.net.ParleyApi;
import parley.protocol.CreateRoom;
import parley.protocol.InviteLinkRequest;
import parley.protocol.InviteLinkView;
import parley.protocol.ReportRequest;
import parley.protocol.ReportView;
import parley.protocol.Moderation;
import parley.protocol.RoleChange;
import parley.protocol.Room;
import parley.protocol.RoomChange;
import parley.protocol.RoomListing;

/**
 * The user's commands about rooms: finding, creating and joining them, opening DMs and group DMs, who is in the room
 * in view, leaving it, and, for its owner or admins, changing, moderating and deleting it. A room joined or opened
 * comes into view. Runs on the client's thread, like {@link ChatClient}.
 */
public final class RoomCommands {
  private final ChatClient client;
  private final ChatState state;
  private final ParleyApi api;

  RoomCommands(ChatClient client) {
    this.client = client;
    this.state = client.state();
    this.api = client.api();
  }

  public CompletableFuture<Room> create(String name, String passcode, Integer capacity) {
    return create(name, passcode, capacity, null);
  }

  /** {@code visibility}: public (null), unlisted or private (others join once invited: /invite). */
  public CompletableFuture<Room> create(String name, String passcode, Integer capacity, String visibility) {
    return adopt(api.createRoom(new CreateRoom(name, passcode, capacity, visibility)), room ->
        "Created " + roomLabel(room) + ". " + ("private".equals(room.visibility())
            ? "Others join once invited: /invite user"
            : "Others join with: /join " + room.id() + (room.passcode() ? " <passcode>" : "")));
  }

  /**
   * Join by id, or by name when no room has that id and exactly one public room has that name; or, given an invite link
   * (its address or its bare token), by the link.
   */
  public CompletableFuture<Room> join(String idOrName, String passcode) {
    String token = linkToken(idOrName);
    if (token != null) {
      return adopt(api.acceptInviteLink(token), room -> "Joined " + roomLabel(room) + " by invite link.");
    }
    CompletableFuture<Room> joined = api.join(idOrName, passcode).exceptionallyCompose(failure -> {
      ApiException e = ApiException.of(failure);
      if (!"no_such_room".equals(e.code())) {
        return CompletableFuture.failedFuture(e);
      }
      return api.rooms(idOrName).thenCompose(listing -> {
        List<RoomListing.Entry> named = listing.rooms().stream()
            .filter(r -> r.name().equalsIgnoreCase(idOrName))
            .toList();
        if (named.size() != 1) {
          return CompletableFuture.failedFuture(named.isEmpty() ? e : new ApiException(409, "ambiguous",
              named.size() + " rooms are called " + idOrName + ": /join one of them by id (see /rooms)"));
        }
        return api.join(named.get(0).id(), passcode);
      });
    });
    return adopt(Passcodes.explained(joined, idOrName, passcode), room -> "Joined " + roomLabel(room) + ".");
  }

  /** Opens (or reopens) the group DM with these people, and shows it. */
  public CompletableFuture<Room> group(List<String> usernames) {
    return adopt(api.openGroup(usernames.stream().map(RoomCommands::username).toList()), room -> null);
  }

  public CompletableFuture<Room> dm(String username) {
    return adopt(api.openDm(username(username)), room -> null);
  }

  /** {@code @Alice} or {@code alice}, as the server names her. */
  private static String username(String typed) {
    return typed.toLowerCase(Locale.ROOT).replaceFirst("^@", "");
  }

  /** Leaves the room in view (the server's room_left for it, on this connection too, is then no news). */
  public CompletableFuture<Void> leave() {
    return client.membership().leave();
  }

  public CompletableFuture<RoomListing> browse(String filter) {
    CompletableFuture<RoomListing> listing = new CompletableFuture<>();
    client.fetch(api.rooms(filter), (rooms, failure) -> {
      if (failure != null) {
        client.notice("Could not list rooms: " + ApiException.of(failure).getMessage(), true);
        listing.completeExceptionally(ApiException.of(failure));
      } else {
        listing.complete(rooms);
      }
    });
    return listing;
  }

  /** The members of the room in view, online first, as a notice. */
  public void who() {
    state.current().ifPresentOrElse(room -> {
      List<String> online = new ArrayList<>();
      List<String> offline = new ArrayList<>();
      for (String member : room.members()) {
        (state.presenceOf(member).online() ? online : offline).add(member);
      }
      client.notice(room.members().size() + " in " + room.displayName(state.me()) + ": online "
          + String.join(", ", online) + (offline.isEmpty() ? "" : "; offline " + String.join(", ", offline)), false);
    }, () -> client.notice("You are in no room.", true));
  }

  /**
   * A room the user is in now, from {@code call}: it joins the list and comes into view, read up to its end, with the
   * line {@code said} makes of it (none if null). Fails as the call did, saying why.
   */
  CompletableFuture<Room> adopt(CompletableFuture<Room> call, Function<Room, String> said) {
    CompletableFuture<Room> done = new CompletableFuture<>();
    client.fetch(call, (room, failure) -> {
      if (failure != null) {
        ApiException e = ApiException.of(failure);
        client.notice(e.getMessage(), true);
        done.completeExceptionally(e);
        return;
      }
      RoomState adopted = state.upsert(room);
      adopted.markRead(room.lastSeq()); // the server starts the marker at our own joined entry
      client.switchTo(adopted.id());
      String text = said.apply(room);
      if (text != null) {
        client.notice(text, false);
      }
      done.complete(room);
    });
    return done;
  }

  private static String roomLabel(Room room) {
    return "#" + room.name() + " (id " + room.id() + ")";
  }

  // ---------------------------------------------------------------------------------------------- invite links

  /** The token of an invite link as pasted: its address ({@code ...#invite=TOKEN}) or the token alone; else null. */
  static String linkToken(String typed) {
    int at = typed.indexOf("#invite=");
    String token = at >= 0 ? typed.substring(at + "#invite=".length()) : typed;
    return token.matches("[A-Za-z0-9_-]{43}") ? token : null;
  }

  /** A new link to the room in view: its address and how to use it, in a notice (the only time it is shown). */
  public void makeLink(Integer maxUses, Integer days) {
    client.inCurrentRoom(room -> client.fetch(api.makeInviteLink(room.id(),
        new InviteLinkRequest(maxUses, days == null ? null : days * 86_400L)), (link, failure) -> {
          if (failure != null) {
            client.notice("No invite link: " + ApiException.of(failure).getMessage(), true);
            return;
          }
          client.notice("Invite link to " + room.displayName(state.me()) + ": " + api.inviteUrl(link.token()) + " ("
              + uses(link) + ", until " + WHEN.format(link.expiresAt()) + "). In this client: /join " + link.token(),
              false);
        }));
  }

  /** The links standing in the room in view, by id, for {@code /revokelink}. */
  public void links() {
    client.inCurrentRoom(room -> client.fetch(api.inviteLinks(room.id()), (listing, failure) -> {
      if (failure != null) {
        client.notice("Could not list the invite links: " + ApiException.of(failure).getMessage(), true);
      } else if (listing.links().isEmpty()) {
        client.notice("No invite link stands in " + room.displayName(state.me()) + ". /link makes one.", false);
      } else {
        client.notice("Invite links of " + room.displayName(state.me()) + ": " + String.join("; ",
            listing.links().stream().map(l -> l.id() + " by " + l.createdBy() + ", " + uses(l) + ", until "
                + WHEN.format(l.expiresAt())).toList()) + " — /revokelink id", false);
      }
    }));
  }

  public void revokeLink(String linkId) {
    client.inCurrentRoom(room -> client.fetch(api.revokeInviteLink(room.id(), linkId), (ok, failure) ->
        client.notice(failure != null ? "Not revoked: " + ApiException.of(failure).getMessage()
            : "Invite link " + linkId + " revoked: it admits nobody now.", failure != null)));
  }

  private static String uses(InviteLinkView link) {
    return link.maxUses() == null ? link.uses() + " used" : link.uses() + " of " + link.maxUses() + " used";
  }

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

  // ---------------------------------------------------------------------------------------------- reports

  /** The reports {@code /reports} listed last, by number (1 first), for {@code /resolve n}. */
  private final List<ReportView> listedReports = new ArrayList<>();

  /** Reports the message at {@code seq} (null: no such line) of the room in view. */
  public void report(Long seq, String reason) {
    if (seq == null) {
      client.notice("No such line to report: /report n, with the number a line starts with.", true);
      return;
    }
    client.inCurrentRoom(room -> client.fetch(api.report(room.id(), seq, new ReportRequest(reason)), (r, failure) ->
        client.notice(failure != null ? "Not reported: " + ApiException.of(failure).getMessage()
            : "Reported to the room's owner and admins; " + r.sender() + " is not told.", failure != null)));
  }

  public void reports() {
    client.inCurrentRoom(room -> client.fetch(api.reports(room.id()), (queue, failure) -> {
      if (failure != null) {
        client.notice("Could not list the reports: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      listedReports.clear();
      listedReports.addAll(queue.reports());
      if (listedReports.isEmpty()) {
        client.notice("No open reports in " + room.displayName(state.me()) + ".", false);
        return;
      }
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < listedReports.size(); i++) {
        ReportView r = listedReports.get(i);
        String said = r.message() == null || Boolean.TRUE.equals(r.message().deleted()) ? "(deleted)"
            : r.message().text() == null ? "(a file)" : SafeText.clean(r.message().text());
        lines.add((i + 1) + ") " + r.sender() + ": \"" + (said.length() > 80 ? said.substring(0, 79) + "…" : said)
            + "\" — reported by " + r.reporter() + (r.reason() == null ? "" : ": " + SafeText.clean(r.reason())));
      }
      client.notice("Open reports of " + room.displayName(state.me()) + ": " + String.join("; ", lines)
          + " — /resolve n dismiss | delete | kick | ban", false);
    }));
  }

  public void resolve(int n, String action) {
    if (n < 1 || n > listedReports.size()) {
      client.notice("No report " + n + ": /reports lists them, numbered.", true);
      return;
    }
    ReportView r = listedReports.get(n - 1);
    client.inCurrentRoom(room -> client.fetch(api.resolveReport(r.roomId(), r.id(), action), (done, failure) ->
        client.notice(failure != null ? "Not resolved: " + ApiException.of(failure).getMessage()
            : "Report " + n + " resolved: " + done.outcome() + ".", failure != null)));
  }

  // ---------------------------------------------------------------------------------------------- moderation

  /** Changes the room in view; the entries it makes show the change to everyone, this client included. */
  public void changeRoom(RoomChange change) {
    client.inCurrentRoom(room -> client.fetch(api.changeRoom(room.id(), change), this::adoptModerated));
  }

  /** Invites {@code username} to the room in view; the room's {@code invited} entry shows it to everyone. */
  public void invite(String username) {
    client.inCurrentRoom(room -> client.fetch(api.invite(room.id(), username), (ok, failure) -> {
      if (failure != null) {
        client.notice("Could not invite " + username + ": " + ApiException.of(failure).getMessage(), true);
      }
    }));
  }

  public void moderate(String action, String username, String reason) {
    client.inCurrentRoom(room -> client.fetch(api.moderate(room.id(), action, new Moderation(username, reason)),
        this::adoptModerated));
  }

  /** Deletes the room in view; it leaves the list at once (the server's room_deleted comes too, and finds it gone). */
  public void deleteRoom() {
    client.inCurrentRoom(room -> client.fetch(api.deleteRoom(room.id()), (ok, failure) -> {
      if (failure != null) {
        client.notice("Not deleted: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      client.dropped(room.id());
      client.notice("You deleted " + room.displayName(state.me()) + " and its history.", false);
    }));
  }

  public void setRole(String username, String role) {
    client.inCurrentRoom(room -> client.fetch(api.setRole(room.id(), new RoleChange(username, role)),
        this::adoptModerated));
  }

  private void adoptModerated(Room room, Throwable failure) {
    if (failure != null) {
      client.notice(ApiException.of(failure).getMessage(), true);
    } else {
      state.upsert(room);
    }
  }
}
