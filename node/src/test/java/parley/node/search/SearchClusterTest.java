package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.TestCluster;

/** One index for the cluster: a message sent on the first node is found from the third. */
class SearchClusterTest {
  @Test
  void aMessageSentOnNodeOneIsFoundFromNodeThree() {
    try (TestCluster cluster = TestCluster.start(3, ConfigFactory.empty())) {
      ApiClient alice = cluster.node(0).client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"everywhere " + alice.username + "\"}");
      String word = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
      ApiClient.Reply sent = alice.post("/api/v1/rooms/" + room + "/messages",
          "{\"clientMsgId\":\"c1\",\"text\":\"from the first node " + word + "\"}");
      assertEquals(201, sent.status(), sent.toString());
      ApiClient fromThree = new ApiClient(cluster.node(2).http()).withToken(alice.token);
      // From a cold three-node cluster: the feed's singleton starts, reads the journal and commits its first batch.
      Eventually.await("the message sent on node 1 to be found from node 3", Eventually.LONG.multipliedBy(2), () -> {
        ApiClient.Reply r = fromThree.get("/api/v1/search?q=" + word);
        assertEquals(200, r.status(), r.toString());
        JsonNode hits = r.body().get("hits");
        assertEquals(1, hits.size(), r.toString());
        assertEquals(sent.body().get("seq").asLong(), hits.get(0).get("seq").asLong());
        assertTrue(r.body().get("indexedThrough").get(room).asLong() >= 1);
        return null;
      });
    }
  }
}
