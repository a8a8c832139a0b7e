namespace Suture.Server.Data;

/// <summary>
/// The data step of the Users migration (both providers): a database from before users existed
/// holds admin tokens that belong to nobody; they become tokens of a user <c>admin</c> (role admin,
/// no password), the user the bootstrap creates on a new database.
/// </summary>
internal static class LegacyTokens
{
    public const string AssignToAdminSql = """
        INSERT INTO "Users" ("Name", "Role", "PasswordHash", "SessionStamp", "Created", "Disabled")
        SELECT 'admin', 'admin', NULL, 'migrated', (SELECT MIN("Created") FROM "ApiTokens"), NULL
        WHERE EXISTS (SELECT 1 FROM "ApiTokens");
        UPDATE "ApiTokens" SET "UserId" = (SELECT "Id" FROM "Users" WHERE "Name" = 'admin');
        """;
}
