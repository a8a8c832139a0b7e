using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Suture.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FeedTiers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "PromotesFromId",
                table: "Feeds",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Feeds_PromotesFromId",
                table: "Feeds",
                column: "PromotesFromId");

            migrationBuilder.AddForeignKey(
                name: "FK_Feeds_Feeds_PromotesFromId",
                table: "Feeds",
                column: "PromotesFromId",
                principalTable: "Feeds",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Feeds_Feeds_PromotesFromId",
                table: "Feeds");

            migrationBuilder.DropIndex(
                name: "IX_Feeds_PromotesFromId",
                table: "Feeds");

            migrationBuilder.DropColumn(
                name: "PromotesFromId",
                table: "Feeds");
        }
    }
}
