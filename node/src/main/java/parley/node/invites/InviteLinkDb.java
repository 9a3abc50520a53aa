package parley.node.invites;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import parley.node.TablePool;

/** The invite links' table on the node's own database, H2 or PostgreSQL, through a small pool of its own. */
final class InviteLinkDb implements AutoCloseable {
  private static final String COLUMNS =
      "id, room_id, created_by, created_at, expires_at, max_uses, uses, revoked_at";
  private final HikariDataSource pool;

  InviteLinkDb(Config config, int poolSize) {
    this.pool = TablePool.open(config, "parley-invites", poolSize);
  }

  void insert(InviteLink link, String tokenHash) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO parley_invite_link (" + COLUMNS
            + ", token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, link.id());
      s.setString(2, link.roomId());
      s.setString(3, link.createdBy());
      s.setLong(4, link.createdAt().toEpochMilli());
      s.setLong(5, link.expiresAt().toEpochMilli());
      if (link.maxUses() == null) {
        s.setNull(6, Types.INTEGER);
      } else {
        s.setInt(6, link.maxUses());
      }
      s.setInt(7, link.uses());
      s.setNull(8, Types.BIGINT);
      s.setString(9, tokenHash);
      s.executeUpdate();
    }
  }

  /** The room's links that stand (not revoked, not expired), oldest first. */
  List<InviteLink> standing(String roomId, long now) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM parley_invite_link "
            + "WHERE room_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at, id")) {
      s.setString(1, roomId);
      s.setLong(2, now);
      List<InviteLink> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(link(r));
        }
      }
      return out;
    }
  }

  Optional<InviteLink> byTokenHash(String tokenHash) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM parley_invite_link WHERE token_hash = ?")) {
      s.setString(1, tokenHash);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(link(r)) : Optional.empty();
      }
    }
  }

  /**
   * Takes one use of the link if it still admits: one statement, so that of two claims of the last use the database
   * lets one through and the other finds the row no longer matching.
   */
  boolean claim(String tokenHash, long now) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE parley_invite_link SET uses = uses + 1 WHERE token_hash = ? "
            + "AND revoked_at IS NULL AND expires_at > ? AND (max_uses IS NULL OR uses < max_uses)")) {
      s.setString(1, tokenHash);
      s.setLong(2, now);
      return s.executeUpdate() == 1;
    }
  }

  /** Gives back a use the room did not take (the user was banned, the room was full or gone). */
  void release(String id) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE parley_invite_link SET uses = uses - 1 WHERE id = ? AND uses > 0")) {
      s.setString(1, id);
      s.executeUpdate();
    }
  }

  boolean revoke(String roomId, String id, long now) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE parley_invite_link SET revoked_at = ? "
            + "WHERE id = ? AND room_id = ? AND revoked_at IS NULL AND expires_at > ?")) {
      s.setLong(1, now);
      s.setString(2, id);
      s.setString(3, roomId);
      s.setLong(4, now);
      return s.executeUpdate() == 1;
    }
  }

  /** Forgets the room's links that ended (revoked or expired) before {@code before}: kept that long for the record. */
  int forgetEnded(String roomId, long before) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM parley_invite_link WHERE room_id = ? "
            + "AND (revoked_at < ? OR expires_at < ?)")) {
      s.setString(1, roomId);
      s.setLong(2, before);
      s.setLong(3, before);
      return s.executeUpdate();
    }
  }

  private static InviteLink link(ResultSet r) throws SQLException {
    int maxUses = r.getInt(6);
    Integer max = r.wasNull() ? null : maxUses;
    long revoked = r.getLong(8);
    Instant revokedAt = r.wasNull() ? null : Instant.ofEpochMilli(revoked);
    return new InviteLink(r.getString(1), r.getString(2), r.getString(3), Instant.ofEpochMilli(r.getLong(4)),
        Instant.ofEpochMilli(r.getLong(5)), max, r.getInt(7), revokedAt);
  }

  @Override
  public void close() {
    pool.close();
  }
}
