package parley.node.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that never reaches the database the suite is pointed at ({@code -Dparley.test.db}): pure code, or
 * entities on the in-memory journal of {@link EntityTestKit}. CI's PostgreSQL pass leaves these out
 * ({@code -DexcludedGroups=in-memory}): there they would run the very same code a second time. InMemoryTagTest
 * holds the tag to its word.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(InMemory.TAG)
public @interface InMemory {
  String TAG = "in-memory";
}
