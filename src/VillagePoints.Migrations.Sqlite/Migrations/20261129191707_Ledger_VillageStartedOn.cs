using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Ledger_VillageStartedOn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "StartedOn",
                table: "Villages",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            // A village that exists already started with its earliest entry (or today, if it has none).
            migrationBuilder.Sql(
                """
                UPDATE "Villages" SET "StartedOn" = COALESCE(
                    (SELECT MIN(e."OccurredOn") FROM "LedgerEntries" e WHERE e."VillageId" = "Villages"."Id"), date('now'));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "StartedOn",
                table: "Villages");
        }
    }
}
