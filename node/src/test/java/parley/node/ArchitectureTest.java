package parley.node;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.InMemory;

/**
 * The node's packages as their package-infos and docs/architecture.md describe them, held against the compiled
 * classes: imports run one way (the edge to delivery to the entities to files and limits), no two packages import each
 * other through any path, and each "never" a package-info states is a rule here. A forbidden import fails the build
 * and names the class, the member and the line.
 */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {
  /** The root package's classes that put a node together; the rest of the root is what every package shares. */
  private static final Set<String> WIRING = Set.of("Main", "ParleyNode", "MetricsEndpoint");

  private JavaClasses node;

  @BeforeAll
  void importNode() {
    node = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("parley.node");
  }

  private static boolean inRoot(JavaClass c) {
    return c.getPackageName().equals("parley.node");
  }

  private static String topName(JavaClass c) {
    String name = c.getName().substring("parley.node.".length());
    int nested = name.indexOf('$');
    return nested < 0 ? name : name.substring(0, nested);
  }

  @Test
  void noTwoPackagesImportEachOther() {
    slices().matching("parley.node.(*)..").should().beFreeOfCycles()
        .check(node);
  }

  @Test
  void importsRunOneWay() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("Wiring").definedBy(describe("the node's wiring", c -> inRoot(c) && WIRING.contains(topName(c))))
        .layer("Http").definedBy("parley.node.http..")
        .layer("Search").definedBy("parley.node.search..")
        .layer("Delivery").definedBy("parley.node.delivery..")
        .layer("User").definedBy("parley.node.user..")
        .layer("Room").definedBy("parley.node.room..")
        .layer("Files").definedBy("parley.node.files..")
        .layer("Invites").definedBy("parley.node.invites..")
        .layer("Reports").definedBy("parley.node.reports..")
        .layer("Admin").definedBy("parley.node.admin..")
        .layer("Limits").definedBy("parley.node.limits..")
        .layer("Common").definedBy(describe("what every package shares", c -> inRoot(c) && !WIRING.contains(topName(c))))
        .whereLayer("Wiring").mayNotBeAccessedByAnyLayer()
        .whereLayer("Http").mayOnlyBeAccessedByLayers("Wiring")
        .whereLayer("Search").mayOnlyBeAccessedByLayers("Http", "Wiring")
        .whereLayer("Delivery").mayOnlyBeAccessedByLayers("Http", "Wiring")
        .whereLayer("User").mayOnlyBeAccessedByLayers("Delivery", "Search", "Http", "Wiring")
        .whereLayer("Room").mayOnlyBeAccessedByLayers("User", "Delivery", "Search", "Http", "Wiring")
        .whereLayer("Invites").mayOnlyBeAccessedByLayers("Http", "Wiring")
        .whereLayer("Reports").mayOnlyBeAccessedByLayers("Http", "Wiring")
        .whereLayer("Admin").mayOnlyBeAccessedByLayers("Http", "Wiring")
        .whereLayer("Files").mayOnlyBeAccessedByLayers("Room", "User", "Delivery", "Http", "Wiring")
        .whereLayer("Limits").mayOnlyBeAccessedByLayers("Room", "User", "Delivery", "Http", "Wiring")
        .check(node);
  }

  /** room's package-info: nothing here knows about sockets or HTTP. */
  @Test
  void roomsKnowNothingOfSocketsOrHttp() {
    noClasses().that().resideInAPackage("parley.node.room..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko.http..", "parley.node.http..",
            "parley.node.delivery..")
        .check(node);
  }

  /** room's package-info: a room asks its members' accounts through its own port, never importing user. */
  @Test
  void roomsAskAccountsOnlyThroughTheirPort() {
    noClasses().that().resideInAPackage("parley.node.room..")
        .should().dependOnClassesThat().resideInAPackage("parley.node.user..")
        .check(node);
  }

  /**
   * room's package-info: entries are the room's own types; what a client gets of them (the protocol's messages) is
   * made at the edge, and the journal holds no wire type.
   */
  @Test
  void roomsNeverMakeWireMessages() {
    noClasses().that().resideInAPackage("parley.node.room..")
        .should().dependOnClassesThat().haveFullyQualifiedName("parley.protocol.Message")
        .check(node);
  }

  /** http's and delivery's package-infos: the edge never touches the journal; delivery writes nothing to it. */
  @Test
  void theEdgeAndDeliveryNeverTouchTheJournal() {
    noClasses().that().resideInAnyPackage("parley.node.http..", "parley.node.delivery..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko.persistence..",
            "org.apache.pekko.persistence.typed..", "org.apache.pekko.persistence.jdbc..", "java.sql..", "javax.sql..")
        .check(node);
  }

  /**
   * search's package-info: it reads the journal and never writes it, never decides membership (the edge asks the
   * user's entity), and knows nothing of the edge or of delivery.
   */
  @Test
  void searchReadsTheJournalAndNeverWritesIt() {
    noClasses().that().resideInAPackage("parley.node.search..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko.persistence.typed..",
            "org.apache.pekko.persistence.journal..", "org.apache.pekko.http..", "parley.node.http..",
            "parley.node.delivery..")
        .check(node);
  }

  /** user's package-info: an account stores only hashes of secrets, and never reaches into sessions or sockets. */
  @Test
  void accountsNeverReachIntoSessionsOrSockets() {
    noClasses().that().resideInAPackage("parley.node.user..")
        .should().dependOnClassesThat().resideInAnyPackage("parley.node.delivery..", "parley.node.http..",
            "org.apache.pekko.http..")
        .check(node);
  }

  /** files', invites' and limits' package-infos: below the entities, they know no entity, session or route. */
  @Test
  void filesAndLimitsKnowNoEntitySessionOrRoute() {
    noClasses().that().resideInAnyPackage("parley.node.files..", "parley.node.invites..",
        "parley.node.reports..", "parley.node.admin..", "parley.node.limits..")
        .should().dependOnClassesThat().resideInAnyPackage("parley.node.room..", "parley.node.user..",
            "parley.node.delivery..", "parley.node.http..")
        .check(node);
  }

  /** delivery's package-info: blind to the connection; the edge renders what a session writes. */
  @Test
  void sessionsAreBlindToTheConnection() {
    noClasses().that().resideInAPackage("parley.node.delivery..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko.http..", "parley.node.http..")
        .check(node);
  }
}
