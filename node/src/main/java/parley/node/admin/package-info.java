/**
 * Running the server: its accounts as a list ({@code parley_user}), its admins, the settings admins change at run
 * time (the sign-up policy) and the audit log of admin and moderation acts ({@link parley.node.admin.ServerAdmin},
 * the tables of migration V9). Below the edge, beside invites and reports: it knows no entity, session or route; the
 * edge checks the caller is an admin, acts through the user's and rooms' entities, and records the act here. Every
 * blocking call runs on the blocking dispatcher.
 */
package parley.node.admin;
