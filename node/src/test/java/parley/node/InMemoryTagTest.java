package parley.node;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;
import parley.node.testkit.FileRows;
import parley.node.testkit.InMemory;
import parley.node.testkit.NodeProcess;
import parley.node.testkit.OwnPostgres;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;

/**
 * CI's PostgreSQL pass leaves out the classes tagged {@link InMemory}: this holds the tag to its word. A class that
 * starts a node, a node process or a database of its own, or reads the suite's database, is no in-memory test and
 * runs on every database. (This class names those classes, so it carries no tag itself.)
 */
class InMemoryTagTest {
  private static final ArchRule REACHES_NO_DATABASE = noClasses()
      .should().dependOnClassesThat().belongToAnyOf(TestNode.class, NodeProcess.class, TestDatabase.class,
          OwnPostgres.class, FileRows.class, ParleyNode.class)
      .because("a class tagged in-memory is left out of the PostgreSQL pass");

  private static final JavaClasses TESTS = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
      .importPackages("parley.node");

  /** The class and its lambdas' and nested classes' code. */
  private static JavaClasses taggedOrWithin(Class<?>... only) {
    return TESTS.that(describe("tagged in-memory, or within one", (JavaClass c) -> {
      JavaClass top = c;
      while (top.getEnclosingClass().isPresent()) {
        top = top.getEnclosingClass().get();
      }
      if (only.length > 0) {
        for (Class<?> o : only) {
          if (top.isEquivalentTo(o)) {
            return true;
          }
        }
        return false;
      }
      return top.isAnnotatedWith(InMemory.class);
    }));
  }

  @Test
  void aTestTaggedInMemoryReachesNoDatabaseOfTheSuite() {
    JavaClasses tagged = taggedOrWithin();
    assertTrue(tagged.size() >= 15, "the tagged classes were found: " + tagged.size());
    REACHES_NO_DATABASE.check(tagged);
  }

  @Test
  void theRuleCatchesATestThatStartsANode() {
    assertTrue(REACHES_NO_DATABASE.evaluate(taggedOrWithin(CrashRecoveryTest.class)).hasViolation(),
        "CrashRecoveryTest starts node processes on the suite's database: the rule must see it");
  }
}
