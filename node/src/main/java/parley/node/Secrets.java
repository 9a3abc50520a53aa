package parley.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Passwords, passcodes, login tokens and WebSocket tickets. Passwords and passcodes are kept as BCrypt hashes;
 * tokens and tickets as SHA-256 hashes (they are long random values, so a fast hash is enough and lookups stay
 * cheap). A token reads {@code <64 hex>.<username>} so any node can route it to the user's entity.
 */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();
  /**
   * Per work factor, a hash compared against when the user does not exist, so that a login takes as long either way
   * at whatever cost the node is configured with.
   */
  private static final ConcurrentHashMap<Integer, String> NOBODY = new ConcurrentHashMap<>();

  private Secrets() {}

  public static String hashPassword(String password, int cost) {
    return BCrypt.hashpw(password, BCrypt.gensalt(cost));
  }

  /** Whether the password matches; for a hash that does not exist, the same work at {@code cost}, then false. */
  public static boolean checkPassword(String password, String hashOrNull, int cost) {
    if (password == null) {
      return false;
    }
    if (hashOrNull == null) {
      BCrypt.checkpw(password, nobody(cost));
      return false;
    }
    return matches(password, hashOrNull);
  }

  /** The hash a login for an account that does not exist is checked against, at the node's work factor. */
  static String nobody(int cost) {
    return NOBODY.computeIfAbsent(cost, c -> BCrypt.hashpw("parley-nobody", BCrypt.gensalt(c)));
  }

  /** Whether a secret (a room's passcode) matches a hash that exists; false for a malformed one. */
  public static boolean matches(String secret, String hash) {
    if (secret == null || hash == null) {
      return false;
    }
    try {
      return BCrypt.checkpw(secret, hash);
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

  /** A fresh secret naming nobody (an invite link's token): 43 characters of base64url, 256 random bits. */
  public static String newBareToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether a string has the shape of {@link #newBareToken()}'s tokens (checked before any lookup). */
  public static boolean isBareToken(String token) {
    return token != null && token.length() == 43 && token.chars().allMatch(c -> (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
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
