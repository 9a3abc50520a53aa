package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.ManualNanos;
import parley.node.testkit.TestNode;

/**
 * Budgets that keep one account from taking what others need, at the shipped numbers, on a clock the test moves:
 * searches (20 at once, then 1 a second, refused with rate_limited and retryAfterMs), and tickets per session as well
 * as per user, so a device taking tickets as fast as it can leaves the user's other devices theirs.
 */
class SearchAndTicketBudgetsTest {
  private static TestNode node() {
    return RateLimitsTest.node("");
  }

  @Test
  void searchesPastTheBucketAreRefusedWithWhenToAskAgainAndARefusedQueryCostsNothing() {
    try (TestNode node = node()) {
      ApiClient alice = node.client().newUser("alice");
      ApiClient bob = node.client().newUser("bob");
      alice.createRoom("{\"name\":\"budget\"}");
      for (int i = 0; i < 5; i++) {
        assertEquals("too_many_terms", alice.get("/api/v1/search?q=" + "w%20".repeat(17)).code(),
            "a query refused before it runs costs no search");
      }
      for (int i = 0; i < 20; i++) {
        assertEquals(200, alice.get("/api/v1/search?q=lunch" + i).status(), "search " + (i + 1) + " of the burst");
      }
      ApiClient.Reply refused = alice.get("/api/v1/search?q=lunch");
      assertEquals(429, refused.status());
      assertEquals("rate_limited", refused.code());
      JsonNode error = refused.body().get("error");
      assertEquals(1000, error.get("retryAfterMs").asLong());
      assertTrue(error.get("message").asText().contains("20 searches at once and 1 a second"), error.toString());
      assertEquals(200, bob.get("/api/v1/search?q=lunch").status(), "bob's own budget");

      ManualNanos.of(node.system).advance(Duration.ofMillis(999));
      assertEquals(429, alice.get("/api/v1/search?q=lunch").status());
      ManualNanos.of(node.system).advance(Duration.ofMillis(1));
      assertEquals(200, alice.get("/api/v1/search?q=lunch").status(), "after retryAfterMs");
      assertEquals(429, alice.get("/api/v1/search?q=lunch").status());
    }
  }

  @Test
  void aSessionTakingTicketsAsFastAsItCanLeavesTheUsersOtherSessionsTheirs() {
    try (TestNode node = node()) {
      ApiClient runaway = node.client().newUser("alice");
      ApiClient laptop = new ApiClient(node.http());
      assertEquals(200, laptop.login(runaway.username, "correct horse").status());

      int runawayGot = 0;
      int laptopGot = 0;
      int laptopAsked = 0;
      // Ten seconds: the runaway asks five times in each tenth of a second, the laptop once.
      for (int step = 0; step < 100; step++) {
        for (int i = 0; i < 5; i++) {
          ApiClient.Reply r = runaway.post("/api/v1/auth/ws-ticket", null);
          if (r.status() == 200) {
            runawayGot++;
          } else {
            assertEquals("rate_limited", r.code());
          }
        }
        laptopAsked++;
        ApiClient.Reply r = laptop.post("/api/v1/auth/ws-ticket", null);
        laptopGot += r.status() == 200 ? 1 : 0;
        ManualNanos.of(node.system).advance(Duration.ofMillis(100));
      }
      // Each session: 10 at once, then 1 a second; the user: 30 at once, then 2 a second.
      System.out.println("tickets in 10 s: the runaway " + runawayGot + " of 500, the laptop " + laptopGot + " of "
          + laptopAsked);
      assertTrue(runawayGot <= 20, "the runaway took its own session's share only: " + runawayGot);
      assertTrue(laptopGot >= 19, "the laptop got " + laptopGot + " of " + laptopAsked);
      ApiClient.Reply refused = runaway.post("/api/v1/auth/ws-ticket", null);
      if (refused.status() == 200) {
        refused = runaway.post("/api/v1/auth/ws-ticket", null);
      }
      assertTrue(refused.body().get("error").get("message").asText().contains("one session may take 10 tickets"),
          refused.toString());
    }
  }
}
