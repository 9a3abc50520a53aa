package parley.protocol;

import java.util.List;

/**
 * v1.2: {@code GET /api/v1/me/blocks}: the users this user blocked, by name. A blocked user cannot put the user in a
 * DM or a group DM (what they open does not reach the user), and is not told.
 */
public record BlockList(List<String> blocks) {
  public BlockList {
    blocks = List.copyOf(blocks);
  }
}
