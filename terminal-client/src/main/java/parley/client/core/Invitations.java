package parley.client.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import parley.client.net.ApiException;
import parley.protocol.InviteList;
import parley.protocol.Room;
import parley.protocol.ServerFrame;

/**
 * The invitations waiting for the user's answer (a group DM opened by someone who shares no room with them),
 * the commands that answer them, and blocks. The server tells every connection of the user when one arrives and when
 * one ends (answered on any device, or its sender blocked), but only after {@code hello}: what came meanwhile is read
 * with {@code GET /me/invites} after each one.
 *
 * <p>Each invitation keeps the number it was shown with until it ends (the smallest free one when it arrived), so a
 * "/accept 2" typed from an older line still means the same invitation after another one ended. Runs on the client's
 * thread, like {@link ChatClient}.
 */
public final class Invitations {

  /** An invitation as the client shows it. */
  public record Pending(int number, InviteList.Item item) {
    public String roomId() {
      return item.room().id();
    }

    public String from() {
      return SafeText.oneLine(item.from());
    }

    public String roomName() {
      return SafeText.oneLine(item.room().name());
    }

    /** "alice invites you to alice, bob, carol — /accept 1, /decline 1, /block alice". */
    public String prompt() {
      return from() + " invites you to " + roomName() + " — /accept " + number + ", /decline " + number
          + ", /block " + from();
    }
  }

  private final ChatClient client;
  /** By room id, in the order they came. */
  private final Map<String, Pending> byRoom = new LinkedHashMap<>();
  /**
   * Rooms whose invitation this client is ending itself (accept, decline, or a block of its sender): the server's
   * {@code invite_ended} for them is no news to the user.
   */
  private final Set<String> answering = new HashSet<>();
  /** Counts arrivals and ends, so that a list read while one came or went does not undo it. */
  private long events;
  /** When each invitation ended, while a read of the list is under way (the only time it matters). */
  private final Map<String, Long> endedAt = new HashMap<>();
  private int reading;

  Invitations(ChatClient client) {
    this.client = client;
  }

  /** The invitations waiting, by number. */
  public List<Pending> pending() {
    List<Pending> list = new ArrayList<>(byRoom.values());
    list.sort(Comparator.comparingInt(Pending::number));
    return list;
  }

  // ---------------------------------------------------------------------------------------------- from the server

  void onFrame(ServerFrame frame) {
    if (frame instanceof ServerFrame.Invite invite) {
      arrived(invite.invite());
    } else if (frame instanceof ServerFrame.InviteEnded ended) {
      ended(ended.room(), ended.accepted());
    }
  }

  /** An {@code invite} frame: shown in the room in view, with the bell, as a DM would be. */
  private void arrived(InviteList.Item item) {
    events++;
    answering.remove(item.room().id());
    if (add(item)) {
      client.ring();
    }
  }

  /** Adds an invitation not held yet, with a line saying how to answer it; false if it was held. */
  private boolean add(InviteList.Item item) {
    if (byRoom.containsKey(item.room().id())) {
      return false;
    }
    Pending pending = new Pending(freeNumber(), item);
    byRoom.put(pending.roomId(), pending);
    client.notice(pending.prompt(), false);
    return true;
  }

  private int freeNumber() {
    Set<Integer> taken = new HashSet<>();
    byRoom.values().forEach(p -> taken.add(p.number()));
    int n = 1;
    while (taken.contains(n)) {
      n++;
    }
    return n;
  }

  /**
   * An {@code invite_ended} frame. Ended by another device, it says so; accepted there, the room joins the list
   * here too (its entries come on this connection as well, but may come after this).
   */
  private void ended(String roomId, boolean accepted) {
    events++;
    if (reading > 0) {
      endedAt.put(roomId, events);
    }
    Pending pending = byRoom.remove(roomId);
    boolean ours = answering.remove(roomId);
    if (ours) {
      return;
    }
    if (pending != null) {
      client.notice(accepted
          ? "You accepted " + pending.from() + "'s invitation to " + pending.roomName() + " on another device."
          : pending.from() + "'s invitation to " + pending.roomName()
              + " has ended: declined on another device, or " + pending.from() + " was blocked.", false);
    }
    if (accepted && client.state().room(roomId).isEmpty()) {
      client.fetch(client.api().room(roomId), (room, failure) -> {
        if (room != null && client.state().room(roomId).isEmpty()) {
          joinedElsewhere(room);
        }
      });
    }
  }

  /** A room the user joined on another device: listed and loaded here too, as a join from here would be. */
  private void joinedElsewhere(Room full) {
    RoomState room = client.state().upsert(full);
    room.markRead(full.lastSeq()); // the server starts the marker at the user's own joined entry
    client.sync().sync(room);
    if (client.state().current().isEmpty()) {
      client.switchTo(room.id());
    }
  }

  /**
   * Reads the invitations from the server (after each {@code hello}, and for {@code /invites}): new ones are added
   * and shown, and those held from before the read that the server no longer has ended while this client could not
   * hear it. A server before v1.2 has none (404): nothing is said.
   */
  CompletableFuture<Void> refresh() {
    long asked = events;
    Set<String> heldBefore = Set.copyOf(byRoom.keySet());
    CompletableFuture<Void> done = new CompletableFuture<>();
    reading++;
    client.fetch(client.api().invites(), (list, failure) -> {
      if (list != null) {
        Set<String> listed = new HashSet<>();
        for (InviteList.Item item : list.invites()) {
          listed.add(item.room().id());
          if (endedAt.getOrDefault(item.room().id(), -1L) <= asked) {
            add(item);
          }
        }
        for (String roomId : heldBefore) {
          if (!listed.contains(roomId)) {
            byRoom.remove(roomId);
          }
        }
      }
      if (--reading == 0) {
        endedAt.clear();
      }
      if (list == null) {
        done.completeExceptionally(ApiException.of(failure));
      } else {
        done.complete(null);
      }
    });
    return done;
  }

  // ---------------------------------------------------------------------------------------------- the user

  /** {@code /invites}: the invitations waiting, numbered, as read from the server now. */
  public void list() {
    refresh().whenComplete((ok, failure) -> {
      if (failure != null) {
        client.notice("Could not read your invitations: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      List<Pending> all = pending();
      if (all.isEmpty()) {
        client.notice("No invitations.", false);
        return;
      }
      client.notice(all.size() == 1 ? "1 invitation:" : all.size() + " invitations:", false);
      for (Pending p : all) {
        client.notice(String.format("%d  %s invites you to %s (id %s)", p.number(), p.from(), p.roomName(),
            p.roomId()), false);
      }
      client.notice("/accept n joins, /decline n says no, /block user keeps them from inviting you again.", false);
    });
  }

  /** {@code /accept [n | room id]}: joins the room of the invitation, and opens it. */
  public CompletableFuture<Room> accept(String which) {
    Pending pending = find("/accept", which);
    if (pending == null) {
      return CompletableFuture.failedFuture(new ApiException(404, "no_such_invite", "no such invitation"));
    }
    answering.add(pending.roomId());
    CompletableFuture<Room> joined = client.rooms().adopt(client.api().acceptInvite(pending.roomId()),
        room -> "You joined " + pending.roomName() + " (" + pending.from() + " invited you).");
    joined.whenComplete((room, failure) -> settle(pending, failure));
    return joined;
  }

  /** {@code /decline [n | room id]}: says no; the invitation ends on every device. */
  public void decline(String which) {
    Pending pending = find("/decline", which);
    if (pending == null) {
      return;
    }
    answering.add(pending.roomId());
    client.fetch(client.api().declineInvite(pending.roomId()), (ok, failure) -> {
      settle(pending, failure);
      client.notice(failure == null ? "You declined " + pending.from() + "'s invitation to " + pending.roomName() + "."
          : "Not declined: " + ApiException.of(failure).getMessage(), failure != null);
    });
  }

  /**
   * Once the server answered: the invitation is over unless the server could not be reached (a refusal ends it
   * too: the server has no such invitation, or its room no longer takes the user and it went).
   */
  private void settle(Pending pending, Throwable failure) {
    if (failure == null || ApiException.of(failure).status() != 0) {
      byRoom.remove(pending.roomId());
    } else {
      answering.remove(pending.roomId());
    }
    client.changed(); // the answer may have come before this was attached: the view has not seen it yet
  }

  /** The invitation numbered {@code which}, or to the room of that id; the only one if none is named. */
  private Pending find(String command, String which) {
    if (byRoom.isEmpty()) {
      client.notice("You have no invitations.", true);
      return null;
    }
    if (which == null) {
      if (byRoom.size() == 1) {
        return byRoom.values().iterator().next();
      }
      client.notice("You have " + byRoom.size() + " invitations: " + command + " n (/invites lists them).", true);
      return null;
    }
    Pending byId = byRoom.get(which);
    if (byId != null) {
      return byId;
    }
    for (Pending p : byRoom.values()) {
      if (String.valueOf(p.number()).equals(which)) {
        return p;
      }
    }
    client.notice("No invitation " + which + ": /invites lists them.", true);
    return null;
  }

  /** {@code /block user}: they can no longer put the user in a DM or a group DM; their invitations end. */
  public void block(String username) {
    String user = username.toLowerCase(Locale.ROOT).replaceFirst("^@", "");
    List<Pending> theirs = byRoom.values().stream().filter(p -> p.item().from().equals(user)).toList();
    theirs.forEach(p -> answering.add(p.roomId()));
    client.fetch(client.api().block(user), (ok, failure) -> {
      if (failure != null) {
        theirs.forEach(p -> answering.remove(p.roomId()));
        client.notice("Not blocked: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      theirs.forEach(p -> byRoom.remove(p.roomId()));
      client.state().block(user, true);
      client.changed();
      client.notice("You blocked " + SafeText.oneLine(user) + ": nothing of theirs reaches you"
          + (theirs.isEmpty() ? "" : theirs.size() == 1 ? "; their invitation is gone"
              : "; their " + theirs.size() + " invitations are gone") + ". /unblock " + SafeText.oneLine(user)
          + " undoes it.", false);
    });
  }

  public void unblock(String username) {
    String user = username.toLowerCase(Locale.ROOT).replaceFirst("^@", "");
    client.fetch(client.api().unblock(user), (ok, failure) -> {
      if (failure == null) {
        client.state().block(user, false);
        client.changed();
      }
      client.notice(failure == null ? "You unblocked " + SafeText.oneLine(user) + "."
          : "Not unblocked: " + ApiException.of(failure).getMessage(), failure != null);
    });
  }

  /** Reads whom the user blocks (after each hello: {@code block} frames tell what changes from then on). */
  public void readBlocks() {
    client.fetch(client.api().blocks(), (list, failure) -> {
      if (list != null) {
        client.state().blocks(list.blocks());
        client.changed();
      }
    });
  }

  /** {@code /blocks}: whom the user blocks. */
  public void blocks() {
    client.fetch(client.api().blocks(), (list, failure) -> {
      if (list == null) {
        client.notice("Could not read whom you block: " + ApiException.of(failure).getMessage(), true);
      } else if (list.blocks().isEmpty()) {
        client.notice("You block nobody.", false);
      } else {
        client.notice("You block " + list.blocks().size() + ": "
            + String.join(", ", list.blocks().stream().map(SafeText::oneLine).toList())
            + " (/unblock user lets one back).", false);
      }
    });
  }

  /** {@code /users text}: the listed people whose name starts with it, online first. */
  public void findUsers(String prefix) {
    client.fetch(client.api().findUsers(prefix), (found, failure) -> {
      if (found == null) {
        client.notice("Could not look: " + ApiException.of(failure).getMessage(), true);
      } else if (found.users().isEmpty()) {
        client.notice("Nobody listed has a name starting with " + SafeText.oneLine(prefix) + ".", false);
      } else {
        client.notice("People starting with " + SafeText.oneLine(prefix) + ": " + String.join(", ", found.users().stream()
            .sorted((a, b) -> Boolean.compare(b.online(), a.online()))
            .map(u -> SafeText.oneLine(u.username()) + (u.online() ? " (online)" : "")).toList())
            + (found.next() == null ? "" : ", and more: type more of the name") + " — /dm user", false);
      }
    });
  }

  /** {@code /users --hide | --show}: out of the directory (still reached by name), or back in. */
  public void setListed(boolean listed) {
    client.fetch(client.api().setListed(listed), (ok, failure) -> client.notice(failure != null
        ? "Not done: " + ApiException.of(failure).getMessage()
        : listed ? "Others find you in the directory again (/users)."
            : "You are out of the directory: nobody finds you by /users, but they still reach you by your name.",
        failure != null));
  }
}
