package parley.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The node's configuration: application.conf, with the environment's database and seed nodes on top. */
public final class NodeConfig {
  private NodeConfig() {}

  public static Config load() {
    return withEnvironment(System.getenv()).withFallback(ConfigFactory.load());
  }

  static Config withEnvironment(Map<String, String> env) {
    Config db = DatabaseSettings.fromValues(env.get("PARLEY_DB_URL"), env.get("PARLEY_DB_USER"), env.get("PARLEY_DB_PASSWORD"));
    return seedNodes(env.get("PARLEY_SEED_NODES")).withFallback(trustedProxies(env.get("PARLEY_TRUSTED_PROXIES")))
        .withFallback(list("parley.http.allowed-origins", "PARLEY_ALLOWED_ORIGINS", env.get("PARLEY_ALLOWED_ORIGINS")))
        .withFallback(db);
  }

  /** {@code 10.0.0.5,10.0.0.6}: the addresses of proxies in front of the node (parley.limits.trusted-proxies). */
  static Config trustedProxies(String value) {
    return list("parley.limits.trusted-proxies", "PARLEY_TRUSTED_PROXIES", value);
  }

  /** A comma-separated variable as a list setting; unset or blank: nothing. */
  static Config list(String path, String variable, String value) {
    if (value == null || value.isBlank()) {
      return ConfigFactory.empty();
    }
    List<String> items = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    return ConfigFactory.parseMap(Map.of(path, items), variable);
  }

  /** {@code host:port,host:port} to Artery addresses; empty: the node joins itself. */
  static Config seedNodes(String value) {
    if (value == null || value.isBlank()) {
      return ConfigFactory.empty();
    }
    List<String> seeds = Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> "pekko://parley@" + s)
        .toList();
    return ConfigFactory.parseMap(Map.of("pekko.cluster.seed-nodes", seeds), "PARLEY_SEED_NODES");
  }
}
