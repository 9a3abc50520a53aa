package parley.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;

/** Passwords are checked the same way whether or not the account exists, at the node's own work factor. */
@InMemory
class SecretsTest {
  @Test
  void aLoginForNobodyIsCheckedAtTheWorkFactorOfTheNode() {
    // The shipped factor and the tests' one: an unknown name costs what a known one does on either node.
    assertTrue(Secrets.nobody(12).startsWith("$2a$12$"), Secrets.nobody(12));
    assertTrue(Secrets.nobody(4).startsWith("$2a$04$"), Secrets.nobody(4));
    assertFalse(Secrets.checkPassword("parley-nobody", null, 4), "nobody's hash never lets anyone in");
  }

  @Test
  void aPasswordMatchesOnlyItsOwnHash() {
    String hash = Secrets.hashPassword("correct horse", 4);
    assertTrue(Secrets.checkPassword("correct horse", hash, 4));
    assertFalse(Secrets.checkPassword("wrong horse", hash, 4));
    assertFalse(Secrets.checkPassword(null, hash, 4));
    assertFalse(Secrets.matches("correct horse", "not a bcrypt hash"));
  }
}
