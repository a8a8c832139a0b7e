using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Suture.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApiTokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Created = table.Column<long>(type: "bigint", nullable: false),
                    Revoked = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiTokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Actor = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Details = table.Column<string>(type: "text", nullable: false),
                    Remote = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PreviousHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Feeds",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ApprovalMode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DelaySeconds = table.Column<long>(type: "bigint", nullable: false),
                    Created = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Feeds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Patches",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PatchId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    BuildId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ObjectName = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    Package = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Version = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Level = table.Column<int>(type: "integer", nullable: false),
                    Description = table.Column<string>(type: "text", nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Uploaded = table.Column<long>(type: "bigint", nullable: false),
                    Signature = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Patches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RegistrationKeys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    KeyHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    FeedId = table.Column<long>(type: "bigint", nullable: false),
                    Description = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    HostLimit = table.Column<int>(type: "integer", nullable: true),
                    HostCount = table.Column<int>(type: "integer", nullable: false),
                    Created = table.Column<long>(type: "bigint", nullable: false),
                    Revoked = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegistrationKeys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RegistrationKeys_Feeds_FeedId",
                        column: x => x.FeedId,
                        principalTable: "Feeds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "FeedPatches",
                columns: table => new
                {
                    FeedId = table.Column<long>(type: "bigint", nullable: false),
                    PatchId = table.Column<long>(type: "bigint", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Approved = table.Column<long>(type: "bigint", nullable: true),
                    Changed = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FeedPatches", x => new { x.FeedId, x.PatchId });
                    table.ForeignKey(
                        name: "FK_FeedPatches_Feeds_FeedId",
                        column: x => x.FeedId,
                        principalTable: "Feeds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FeedPatches_Patches_PatchId",
                        column: x => x.PatchId,
                        principalTable: "Patches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PatchContents",
                columns: table => new
                {
                    PatchId = table.Column<long>(type: "bigint", nullable: false),
                    Data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PatchContents", x => x.PatchId);
                    table.ForeignKey(
                        name: "FK_PatchContents_Patches_PatchId",
                        column: x => x.PatchId,
                        principalTable: "Patches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PatchCves",
                columns: table => new
                {
                    PatchId = table.Column<long>(type: "bigint", nullable: false),
                    Cve = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PatchCves", x => new { x.PatchId, x.Cve });
                    table.ForeignKey(
                        name: "FK_PatchCves_Patches_PatchId",
                        column: x => x.PatchId,
                        principalTable: "Patches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Hosts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Hostname = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    MachineId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    FeedId = table.Column<long>(type: "bigint", nullable: false),
                    RegistrationKeyId = table.Column<long>(type: "bigint", nullable: false),
                    Registered = table.Column<long>(type: "bigint", nullable: false),
                    LastCheckIn = table.Column<long>(type: "bigint", nullable: true),
                    InventoryDigest = table.Column<string>(type: "character varying(71)", maxLength: 71, nullable: true),
                    AgentVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Hosts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Hosts_Feeds_FeedId",
                        column: x => x.FeedId,
                        principalTable: "Feeds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Hosts_RegistrationKeys_RegistrationKeyId",
                        column: x => x.RegistrationKeyId,
                        principalTable: "RegistrationKeys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "HostObjects",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    HostId = table.Column<string>(type: "character varying(32)", nullable: false),
                    BuildId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Path = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    Package = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Version = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HostObjects", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HostObjects_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HostResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    HostId = table.Column<string>(type: "character varying(32)", nullable: false),
                    ResultId = table.Column<Guid>(type: "uuid", nullable: false),
                    PatchSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    BuildId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Pid = table.Column<int>(type: "integer", nullable: false),
                    Action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Message = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Received = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HostResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HostResults_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HostTags",
                columns: table => new
                {
                    HostId = table.Column<string>(type: "character varying(32)", nullable: false),
                    Tag = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HostTags", x => new { x.HostId, x.Tag });
                    table.ForeignKey(
                        name: "FK_HostTags_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HostProcesses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    HostObjectId = table.Column<long>(type: "bigint", nullable: false),
                    Pid = table.Column<int>(type: "integer", nullable: false),
                    Command = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Level = table.Column<int>(type: "integer", nullable: false),
                    PatchId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HostProcesses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HostProcesses_HostObjects_HostObjectId",
                        column: x => x.HostObjectId,
                        principalTable: "HostObjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiTokens_TokenHash",
                table: "ApiTokens",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FeedPatches_PatchId",
                table: "FeedPatches",
                column: "PatchId");

            migrationBuilder.CreateIndex(
                name: "IX_Feeds_Name",
                table: "Feeds",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HostObjects_BuildId",
                table: "HostObjects",
                column: "BuildId");

            migrationBuilder.CreateIndex(
                name: "IX_HostObjects_HostId_BuildId",
                table: "HostObjects",
                columns: new[] { "HostId", "BuildId" });

            migrationBuilder.CreateIndex(
                name: "IX_HostProcesses_HostObjectId",
                table: "HostProcesses",
                column: "HostObjectId");

            migrationBuilder.CreateIndex(
                name: "IX_HostResults_HostId_ResultId",
                table: "HostResults",
                columns: new[] { "HostId", "ResultId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HostResults_PatchSha256",
                table: "HostResults",
                column: "PatchSha256");

            migrationBuilder.CreateIndex(
                name: "IX_HostTags_Tag",
                table: "HostTags",
                column: "Tag");

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_FeedId",
                table: "Hosts",
                column: "FeedId");

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_RegistrationKeyId_MachineId",
                table: "Hosts",
                columns: new[] { "RegistrationKeyId", "MachineId" });

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_TokenHash",
                table: "Hosts",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PatchCves_Cve",
                table: "PatchCves",
                column: "Cve");

            migrationBuilder.CreateIndex(
                name: "IX_Patches_BuildId_Level",
                table: "Patches",
                columns: new[] { "BuildId", "Level" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Patches_Sha256",
                table: "Patches",
                column: "Sha256",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RegistrationKeys_FeedId",
                table: "RegistrationKeys",
                column: "FeedId");

            migrationBuilder.CreateIndex(
                name: "IX_RegistrationKeys_KeyHash",
                table: "RegistrationKeys",
                column: "KeyHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApiTokens");

            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "FeedPatches");

            migrationBuilder.DropTable(
                name: "HostProcesses");

            migrationBuilder.DropTable(
                name: "HostResults");

            migrationBuilder.DropTable(
                name: "HostTags");

            migrationBuilder.DropTable(
                name: "PatchContents");

            migrationBuilder.DropTable(
                name: "PatchCves");

            migrationBuilder.DropTable(
                name: "HostObjects");

            migrationBuilder.DropTable(
                name: "Patches");

            migrationBuilder.DropTable(
                name: "Hosts");

            migrationBuilder.DropTable(
                name: "RegistrationKeys");

            migrationBuilder.DropTable(
                name: "Feeds");
        }
    }
}
