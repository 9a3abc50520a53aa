package parley.node.admin;

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

/** The tables of migration V9 on the node's own database, through a small pool of its own. */
final class ServerDb implements AutoCloseable {
  private final HikariDataSource pool;

  ServerDb(Config config, int poolSize) {
    this.pool = TablePool.open(config, "parley-admin", poolSize);
  }

  /** Lists a new account; the first on a server that had none becomes its admin. True if it did. */
  boolean addUser(String username, long now) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO parley_user (username, created_at) VALUES (?, ?)")) {
          s.setString(1, username);
          s.setLong(2, now);
          s.executeUpdate();
        }
        boolean first;
        try (PreparedStatement s = c.prepareStatement("UPDATE parley_server_setting SET setting = 'taken' "
            + "WHERE name = 'first_admin' AND setting = 'open'")) {
          first = s.executeUpdate() == 1;
        }
        if (first) {
          grant(c, username, username, now);
        }
        c.commit();
        return first;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  List<UserRow> users(String after, int limit) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT u.username, u.created_at, u.deactivated_at, a.username "
            + "FROM parley_user u LEFT JOIN parley_server_admin a ON a.username = u.username "
            + "WHERE u.username > ? ORDER BY u.username")) {
      s.setString(1, after == null ? "" : after);
      s.setMaxRows(limit);
      List<UserRow> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(row(r));
        }
      }
      return out;
    }
  }

  Optional<UserRow> user(String username) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT u.username, u.created_at, u.deactivated_at, a.username "
            + "FROM parley_user u LEFT JOIN parley_server_admin a ON a.username = u.username WHERE u.username = ?")) {
      s.setString(1, username);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(row(r)) : Optional.empty();
      }
    }
  }

  /** Turns the account off ({@code at}) or on (null); false if it is not listed or already so. */
  boolean setDeactivated(String username, Long at) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE parley_user SET deactivated_at = ? WHERE username = ? AND "
            + (at == null ? "deactivated_at IS NOT NULL" : "deactivated_at IS NULL"))) {
      if (at == null) {
        s.setNull(1, Types.BIGINT);
      } else {
        s.setLong(1, at);
      }
      s.setString(2, username);
      return s.executeUpdate() == 1;
    }
  }

  /**
   * The directory: listed accounts, not turned off, whose name starts with {@code prefix}, by name after
   * {@code after}.
   */
  List<String> directory(String prefix, String after, int limit) throws SQLException {
    String like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT username FROM parley_user WHERE username LIKE ? ESCAPE '\\' "
            + "AND username > ? AND unlisted = FALSE AND deactivated_at IS NULL ORDER BY username")) {
      s.setString(1, like);
      s.setString(2, after == null ? "" : after);
      s.setMaxRows(limit);
      List<String> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
      return out;
    }
  }

  Optional<Boolean> listed(String username) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT unlisted FROM parley_user WHERE username = ?")) {
      s.setString(1, username);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(!r.getBoolean(1)) : Optional.empty();
      }
    }
  }

  boolean setListed(String username, boolean listed) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE parley_user SET unlisted = ? WHERE username = ?")) {
      s.setBoolean(1, !listed);
      s.setString(2, username);
      return s.executeUpdate() == 1;
    }
  }

  void addSignupInvite(String tokenHash, String by, long now, long expiresAt, Integer maxUses) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO parley_signup_invite (token_hash, created_by, created_at, "
            + "expires_at, max_uses, uses) VALUES (?, ?, ?, ?, ?, 0)")) {
      s.setString(1, tokenHash);
      s.setString(2, by);
      s.setLong(3, now);
      s.setLong(4, expiresAt);
      if (maxUses == null) {
        s.setNull(5, Types.INTEGER);
      } else {
        s.setInt(5, maxUses);
      }
      s.executeUpdate();
    }
  }

  /** Takes one use of the invitation if it still admits: one statement, so the last use goes to one sign-up. */
  boolean claimSignupInvite(String tokenHash, long now) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE parley_signup_invite SET uses = uses + 1 WHERE token_hash = ? "
            + "AND expires_at > ? AND (max_uses IS NULL OR uses < max_uses)")) {
      s.setString(1, tokenHash);
      s.setLong(2, now);
      return s.executeUpdate() == 1;
    }
  }

  void releaseSignupInvite(String tokenHash) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(
            "UPDATE parley_signup_invite SET uses = uses - 1 WHERE token_hash = ? AND uses > 0")) {
      s.setString(1, tokenHash);
      s.executeUpdate();
    }
  }

  boolean isAdmin(String username) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT 1 FROM parley_server_admin WHERE username = ?")) {
      s.setString(1, username);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  boolean grant(String username, String by, long now) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return grant(c, username, by, now);
    }
  }

  private static boolean grant(Connection c, String username, String by, long now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO parley_server_admin (username, granted_at, granted_by) "
        + "SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM parley_server_admin WHERE username = ?)")) {
      s.setString(1, username);
      s.setLong(2, now);
      s.setString(3, by);
      s.setString(4, username);
      return s.executeUpdate() == 1;
    }
  }

  /** Takes the admin role from a user, unless they are the last admin; false if nothing changed. */
  boolean revoke(String username) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM parley_server_admin WHERE username = ? "
            + "AND (SELECT COUNT(*) FROM parley_server_admin) > 1")) {
      s.setString(1, username);
      return s.executeUpdate() == 1;
    }
  }

  Optional<String> setting(String name) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT setting FROM parley_server_setting WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    }
  }

  void setSetting(String name, String value) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement d = c.prepareStatement("DELETE FROM parley_server_setting WHERE name = ?");
          PreparedStatement i = c.prepareStatement("INSERT INTO parley_server_setting (name, setting) VALUES (?, ?)")) {
        d.setString(1, name);
        d.executeUpdate();
        i.setString(1, name);
        i.setString(2, value);
        i.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  void audit(long at, String actor, String action, String target, String roomId, String detail, String address)
      throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO parley_audit (at, actor, action, target, room_id, detail, "
            + "address) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      s.setLong(1, at);
      s.setString(2, actor);
      s.setString(3, action);
      s.setString(4, target);
      s.setString(5, roomId);
      s.setString(6, detail);
      s.setString(7, address);
      s.executeUpdate();
    }
  }

  /** The log newest first, before the entry {@code before} (exclusive; null: from the newest). */
  List<AuditEntry> auditPage(Long before, int limit) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT id, at, actor, action, target, room_id, detail, address "
            + "FROM parley_audit WHERE id < ? ORDER BY id DESC")) {
      s.setLong(1, before == null ? Long.MAX_VALUE : before);
      s.setMaxRows(limit);
      List<AuditEntry> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new AuditEntry(r.getLong(1), Instant.ofEpochMilli(r.getLong(2)), r.getString(3), r.getString(4),
              r.getString(5), r.getString(6), r.getString(7), r.getString(8)));
        }
      }
      return out;
    }
  }

  private static UserRow row(ResultSet r) throws SQLException {
    long created = r.getLong(2);
    long off = r.getLong(3);
    Instant deactivated = r.wasNull() ? null : Instant.ofEpochMilli(off);
    return new UserRow(r.getString(1), created == 0 ? null : Instant.ofEpochMilli(created), deactivated,
        r.getString(4) != null);
  }

  @Override
  public void close() {
    pool.close();
  }
}
