package parley.client.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommandParserTest {

  @Test
  void plainLinesAreMessagesAndDoubleSlashEscapes() {
    assertEquals(new Command.Say("hello /all"), CommandParser.parse("hello /all"));
    assertEquals(new Command.Say("/shrug"), CommandParser.parse("//shrug"));
  }

  @Test
  void createTakesANameOfSeveralWordsAndOptions() {
    assertEquals(new Command.Create("team chat", "s3cret", 20),
        CommandParser.parse("/create team chat --passcode s3cret --capacity 20"));
    assertEquals(new Command.Create("x", null, null), CommandParser.parse("/create x"));
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/create"));
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/create x --capacity many"));
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/create x --passcode"));
    assertEquals(new Command.Create("hideout", null, null, "private"), CommandParser.parse("/create hideout --private"));
    assertEquals(new Command.Create("quiet room", null, 5, "unlisted"),
        CommandParser.parse("/create quiet room --unlisted --capacity 5"));
  }

  @Test
  void searchTakesTheRestOfTheLineAsTyped() {
    assertEquals(new Command.Search("deploy  \"staging server\" -test from:bob in:@carol"),
        CommandParser.parse("/search deploy  \"staging server\" -test from:bob in:@carol "));
    assertEquals(new Command.Search("/etc/hosts"), CommandParser.parse("/SEARCH /etc/hosts"));
    assertEquals(new Command.Invalid("Usage: /search words"), CommandParser.parse("/search"));
    assertEquals(new Command.Invalid("Usage: /search words"), CommandParser.parse("/search   "));
  }

  @Test
  void theOtherCommands() {
    assertEquals(new Command.Join("k3v9q2m8x1ab", null), CommandParser.parse("/join k3v9q2m8x1ab"));
    assertEquals(new Command.Join("k3v9q2m8x1ab", "pw"), CommandParser.parse("/JOIN k3v9q2m8x1ab pw"));
    assertEquals(new Command.Leave(), CommandParser.parse("/leave"));
    assertEquals(new Command.Rooms(null), CommandParser.parse("/rooms"));
    assertEquals(new Command.Rooms("dev ops"), CommandParser.parse("/rooms dev ops"));
    assertEquals(new Command.Msg("bob", "are  you there?"), CommandParser.parse("/msg @bob are  you there?"));
    assertEquals(new Command.Dm("bob"), CommandParser.parse("/msg bob"));
    assertEquals(new Command.Me("waves at  everyone"), CommandParser.parse("/me waves at  everyone"));
    assertEquals(new Command.Logout(), CommandParser.parse("/logout"));
    assertTrue(CommandParser.parse("/me") instanceof Command.Invalid);
    assertEquals(new Command.Dm("bob"), CommandParser.parse("/dm @bob"));
    assertEquals(new Command.Who(), CommandParser.parse("/who"));
    assertEquals(new Command.Help(), CommandParser.parse("/help"));
    assertEquals(new Command.Quit(), CommandParser.parse("/quit"));
  }

  @Test
  void invitationsAndBlocks() {
    assertEquals(new Command.Invites(), CommandParser.parse("/invites"));
    assertEquals(new Command.Accept("2"), CommandParser.parse("/accept 2"));
    assertEquals(new Command.Accept(null), CommandParser.parse("/accept"));
    assertEquals(new Command.Decline("g3a9"), CommandParser.parse("/decline g3a9"));
    assertEquals(new Command.Block("dave"), CommandParser.parse("/block @dave"));
    assertEquals(new Command.Unblock("dave"), CommandParser.parse("/unblock dave"));
    assertEquals(new Command.Blocks(), CommandParser.parse("/blocks"));
    assertEquals(new Command.Invalid("Usage: /block user"), CommandParser.parse("/block"));
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/accept 1 2"));
    assertEquals(new Command.InviteUser("bob"), CommandParser.parse("/invite @bob"));
    assertEquals(new Command.Invalid("Usage: /invite user"), CommandParser.parse("/invite"));
    assertEquals(new Command.ChangeRoom(null, null, null, null, null, "private"), CommandParser.parse("/visibility Private"));
    assertEquals(new Command.Invalid("Usage: /visibility public | unlisted | private"),
        CommandParser.parse("/visibility secret"));
    assertEquals(new Command.MakeLink(null, null), CommandParser.parse("/link"));
    assertEquals(new Command.MakeLink(5, 2), CommandParser.parse("/link 2d 5"));
    assertEquals(new Command.MakeLink(1, null), CommandParser.parse("/link 1"));
    assertEquals(new Command.Invalid("Usage: /link [uses] [Nd]"), CommandParser.parse("/link forever"));
    assertEquals(new Command.Links(), CommandParser.parse("/links"));
    assertEquals(new Command.Report(12, "spam and worse"), CommandParser.parse("/report 12 spam and worse"));
    assertEquals(new Command.Report(3, null), CommandParser.parse("/report 3"));
    assertEquals(new Command.Reports(), CommandParser.parse("/reports"));
    assertEquals(new Command.Users("bo", null), CommandParser.parse("/users @Bo"));
    assertEquals(new Command.Users(null, false), CommandParser.parse("/users --hide"));
    assertEquals(new Command.AdminCommand("off", "mallory"), CommandParser.parse("/admin off @Mallory"));
    assertEquals(new Command.AdminCommand("users", null), CommandParser.parse("/admin users"));
    assertEquals(new Command.AdminCommand("signup", "closed"), CommandParser.parse("/admin signup closed"));
    assertEquals(new Command.AdminCommand("invite", null), CommandParser.parse("/admin invite"));
    assertEquals(new Command.Invalid(
        "Usage: /admin users | audit | invite | off NAME | on NAME | signout NAME | signup open|invite|closed"),
        CommandParser.parse("/admin reboot"));
    assertEquals(new Command.Resolve(2, "ban"), CommandParser.parse("/resolve 2 ban"));
    assertEquals(new Command.Invalid("Usage: /resolve n dismiss | delete | kick | ban"),
        CommandParser.parse("/resolve 2 shout"));
    assertEquals(new Command.ChangeRoom(null, null, null, null, null, null, true),
        CommandParser.parse("/whoinvites Members"));
    assertEquals(new Command.ChangeRoom(null, null, null, null, null, null, false),
        CommandParser.parse("/whoinvites admins"));
    assertEquals(new Command.Invalid("Usage: /whoinvites members | admins"), CommandParser.parse("/whoinvites all"));
    assertEquals(new Command.RevokeLink("abc"), CommandParser.parse("/revokelink abc"));
  }

  @Test
  void habitsFromIrcClients() {
    assertEquals(new Command.Join("general", null), CommandParser.parse("/j general"));
    assertEquals(new Command.Join("lounge", "pw"), CommandParser.parse("/J lounge pw"));
    assertFalse(CommandParser.parse("/clear") instanceof Command.Invalid, "a command of its own");
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/clear all"));
    Command away = CommandParser.parse("/away lunch");
    assertInstanceOf(Command.Invalid.class, away);
    assertTrue(((Command.Invalid) away).problem().startsWith("/away is not there yet"), away.toString());
    assertEquals(new Command.React(38, ":tada:"), CommandParser.parse("/react 38 :tada:"));
  }

  @Test
  void mistakesSayWhatWasMeant() {
    assertEquals(new Command.Invalid("Usage: /join id [passcode] | link"), CommandParser.parse("/join"));
    assertEquals(new Command.Invalid("Usage: /dm user"), CommandParser.parse("/dm"));
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/frobnicate"));
  }
}
