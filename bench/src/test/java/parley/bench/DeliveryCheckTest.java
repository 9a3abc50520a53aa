package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryCheckTest {

  @Test
  void consecutiveFramesAfterHelloAreClean() {
    DeliveryCheck check = new DeliveryCheck("alice");
    assertFalse(check.hello("r", 3));
    check.live("r", 4);
    check.live("r", 5);
    assertEquals(5, check.delivered("r"));
    assertEquals(0, check.violations());
  }

  @Test
  void aDuplicateIsAViolation() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.hello("r", 0);
    check.live("r", 1);
    check.live("r", 1);
    assertEquals(1, check.violations());
    assertTrue(check.described().get(0).contains("duplicate"), check.described().toString());
    assertEquals(1, check.delivered("r"));
  }

  @Test
  void aGapOnTheSocketIsAViolation() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.hello("r", 0);
    check.live("r", 1);
    check.live("r", 3);
    assertEquals(1, check.violations());
    assertTrue(check.described().get(0).contains("gap before seq 3"), check.described().toString());
  }

  @Test
  void theFirstFrameMustFollowHello() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.hello("r", 7);
    check.live("r", 7);
    assertEquals(1, check.violations());
  }

  @Test
  void aFrameForSomeoneElsesRoomIsAViolation() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.hello("r", 0);
    check.live("other", 1);
    assertEquals(1, check.violations());
  }

  @Test
  void aReconnectFillsTheGapFromHistoryWhileLiveFramesKeepComing() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.hello("r", 2);
    check.live("r", 3);
    // dropped at 3; the room went on to 6 while away
    assertTrue(check.hello("r", 6));
    assertEquals(3, check.fetchAfter("r"));
    check.live("r", 7); // live frames start after the new hello
    check.live("r", 8);
    assertEquals(3, check.delivered("r"), "not delivered in order yet");
    check.page("r", 4);
    check.page("r", 5);
    check.page("r", 6);
    check.page("r", 7); // a page may overlap the socket
    assertEquals(8, check.delivered("r"));
    assertEquals(-1, check.fetchAfter("r"));
    assertEquals(0, check.violations());
    check.live("r", 9);
    assertEquals(9, check.delivered("r"));
  }

  @Test
  void aSocketResumedFromWhereTheClientWasSendsTheMissedEntriesAndNothingTwice() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.hello("r", 2);
    check.live("r", 3);
    assertEquals(Map.of("r", 3L), check.resumePoints());
    // dropped at 3; the room went on to 6; the new socket resumes after 3 and sends 4..6, then live 7
    assertFalse(check.hello("r", 6, 3L), "nothing to fetch");
    check.live("r", 4);
    check.live("r", 5);
    check.live("r", 6);
    check.live("r", 7);
    assertEquals(7, check.delivered("r"));
    assertEquals(0, check.violations());
  }

  @Test
  void aResumedSocketThatRepeatsOrSkipsIsAViolation() {
    DeliveryCheck repeats = new DeliveryCheck("alice");
    repeats.hello("r", 3);
    repeats.hello("r", 6, 3L);
    repeats.live("r", 3);
    assertEquals(1, repeats.violations());
    DeliveryCheck skips = new DeliveryCheck("bob");
    skips.hello("r", 3);
    skips.hello("r", 6, 3L);
    skips.live("r", 7); // as if the socket had started from hello's lastSeq
    assertEquals(1, skips.violations());
  }

  @Test
  void pageOverlapWithWhatWasDeliveredIsDropped() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.hello("r", 5);
    check.page("r", 4);
    check.page("r", 5);
    assertEquals(0, check.violations());
  }

  @Test
  void aPageThatSkipsIsAViolation() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.hello("r", 1);
    assertTrue(check.hello("r", 4));
    check.page("r", 3);
    assertEquals(1, check.violations());
  }

  @Test
  void aHelloBehindWhatWasDeliveredIsAViolation() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.hello("r", 5);
    check.hello("r", 4);
    assertEquals(1, check.violations());
  }

  /** A client in rooms a (delivered up to 2) and b (up to 1). */
  private static DeliveryCheck inTwoRooms(String who) {
    DeliveryCheck check = new DeliveryCheck(who);
    check.hello("a", 0);
    check.hello("b", 0);
    check.live("a", 1);
    check.live("a", 2);
    check.live("b", 1);
    return check;
  }

  @Test
  void reachedAndShortfall() {
    DeliveryCheck check = inTwoRooms("alice");
    assertTrue(check.reached(Map.of("a", 2L, "b", 1L, "not-mine", 9L)));
    assertFalse(check.reached(Map.of("a", 2L, "b", 3L)));
    assertEquals(1, check.reportShortfall(Map.of("a", 2L, "b", 3L)));
    assertEquals(1, check.violations());
    assertTrue(check.described().get(0).contains("lost seqs 2..3"), check.described().toString());
    assertEquals(Map.of("a", 2L, "b", 1L), check.highest());
  }

  @Test
  void aClientWhoseSocketTheServerClosedIsCutOffNotRobbed() {
    DeliveryCheck check = inTwoRooms("bob");
    assertEquals(1, check.reportCutOff(Map.of("a", 2L, "b", 4L)));
    assertEquals(0, check.violations());
    assertEquals(1, check.described().size());
    assertTrue(check.described().get(0).contains("room b: cut off before seqs 2..4"), check.described().toString());
  }

  @Test
  void aRoomMissingFromHelloIsAViolation() {
    DeliveryCheck check = new DeliveryCheck("alice");
    check.missingFromHello("r");
    assertEquals(1, check.violations());
  }
}
