package parley.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Passwords, passcodes, login tokens and WebSocket tickets. Passwords and passcodes are kept as BCrypt hashes;
 * tokens and tickets as SHA-256 hashes (they are long random values, so a fast hash is enough and lookups stay
 * cheap). A token reads {@code <64 hex>.<username>} so any node can route it to the user's entity.
 */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();
  /** Compared against when the user does not exist, so a login takes as long either way. */
  private static final String DUMMY_HASH = BCrypt.hashpw("parley-dummy-password", BCrypt.gensalt(12));

  private Secrets() {}

  public static String hashPassword(String password, int cost) {
    return BCrypt.hashpw(password, BCrypt.gensalt(cost));
  }

  /** Constant work whether or not the hash exists. */
  public static boolean checkPassword(String password, String hashOrNull) {
    if (password == null) {
      return false;
    }
    if (hashOrNull == null) {
      BCrypt.checkpw(password, DUMMY_HASH);
      return false;
    }
    try {
      return BCrypt.checkpw(password, hashOrNull);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A fresh bearer secret naming its user: {@code <64 hex>.<username>}. */
  public static String newToken(String username) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HEX.formatHex(bytes) + "." + username;
  }

  /** The user a token or ticket names, if it has the right shape. */
  public static Optional<String> usernameOf(String token) {
    if (token == null) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    if (dot != 64 || token.length() > 64 + 1 + 32) {
      return Optional.empty();
    }
    for (int i = 0; i < dot; i++) {
      char c = token.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return Optional.empty();
      }
    }
    String username = token.substring(dot + 1);
    return Validation.isValidUsername(username) ? Optional.of(username) : Optional.empty();
  }

  public static String sha256(String value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HEX.formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A room id: 12 characters of [a-z0-9], unguessable enough that ids are not enumerable. */
  public static String newRoomId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder id = new StringBuilder(12);
    for (int i = 0; i < 12; i++) {
      id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return id.toString();
  }
}
