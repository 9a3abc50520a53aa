/**
 * Reports: a member reports a message to the room's owner and admins, who see the open reports as a queue and resolve
 * them ({@link parley.node.reports.Reports}, the table of migration V8). Beside files and invites, below the edge: it
 * knows no entity, session or route; the edge checks that the reporter may read the message and that the resolver
 * moderates the room, and acts (delete, kick, ban) through the room before the reports are marked. Every blocking
 * call runs on the blocking dispatcher.
 */
package parley.node.reports;
