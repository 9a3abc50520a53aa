package parley.client.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import parley.client.net.ApiException;
import parley.protocol.InviteList;

/** v1.2: the invitations waiting for {@link FakeServer}'s user and the users they block, as the server keeps them. */
public final class FakeInvites {
  public final List<InviteList.Item> waiting = new ArrayList<>();
  public final Set<String> blocked = new LinkedHashSet<>();
  private final String me;

  FakeInvites(String me) {
    this.me = me;
  }

  /** The invitation to {@code roomId}, answered: it goes (404 {@code no_such_invite} if there is none). */
  void answer(String roomId) {
    if (!waiting.removeIf(i -> i.room().id().equals(roomId))) {
      throw new ApiException(404, "no_such_invite", "you have no invitation to that room");
    }
  }

  void block(String username) {
    if (username.equals(me)) {
      throw new ApiException(400, "invalid_request", "you cannot block yourself");
    }
    blocked.add(username);
    waiting.removeIf(i -> i.from().equals(username));
  }
}
