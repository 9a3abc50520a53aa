package parley.node.admin;

import com.typesafe.config.Config;
import parley.node.AsyncPool;
import parley.node.Migrations;
import parley.node.NodeConfig;
import parley.node.Validation;

/**
 * {@code ./parley admin grant NAME}: names a server admin from the node's host, on the node's own database (the embedded
 * one in the data directory, or PostgreSQL as the node's settings name it). For a server whose first account came
 * before admins existed, or whose admins are all gone. Recorded in the audit log as done by {@code host}.
 */
public final class GrantAdmin {
  private GrantAdmin() {}

  public static void main(String[] args) throws Exception {
    AsyncPool.useCommonPool();
    if (args.length != 1) {
      System.err.println("usage: ./parley admin grant NAME");
      System.exit(2);
    }
    String name = Validation.canonicalUsername(args[0]);
    Config config = NodeConfig.load();
    Migrations.run(config);
    try (ServerDb db = new ServerDb(config, 1)) {
      if (!Validation.isValidUsername(name) || db.user(name).isEmpty()) {
        System.err.println("there is no account " + args[0] + " on this server");
        System.exit(1);
      }
      long now = System.currentTimeMillis();
      if (db.grant(name, "host", now)) {
        db.audit(now, "host", "grant_admin", name, null, "by ./parley admin grant", null);
        System.out.println(name + " is a server admin now");
      } else {
        System.out.println(name + " was a server admin already");
      }
    }
  }
}
