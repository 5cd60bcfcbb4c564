using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Ledger_MonthTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "HouseholdMonthTotals",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HouseholdId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    Awarded = table.Column<long>(type: "INTEGER", nullable: false),
                    Deducted = table.Column<long>(type: "INTEGER", nullable: false),
                    Redeemed = table.Column<long>(type: "INTEGER", nullable: false),
                    Net = table.Column<long>(type: "INTEGER", nullable: false),
                    EntryCount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HouseholdMonthTotals", x => new { x.VillageId, x.HouseholdId, x.Month });
                    table.ForeignKey(
                        name: "FK_HouseholdMonthTotals_Households_VillageId_HouseholdId",
                        columns: x => new { x.VillageId, x.HouseholdId },
                        principalTable: "Households",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_HouseholdMonthTotals_VillageId_Month",
                table: "HouseholdMonthTotals",
                columns: new[] { "VillageId", "Month" });

            // Ledgers recorded before this table existed get their totals from their entries, by the same
            // rules posting follows (see HouseholdMonthTotal), so verify finds them sound.
            migrationBuilder.Sql("""
                INSERT INTO "HouseholdMonthTotals" ("VillageId", "HouseholdId", "Month", "Awarded", "Deducted", "Redeemed", "Net", "EntryCount")
                SELECT e."VillageId", e."HouseholdId", CAST(strftime('%Y%m', e."OccurredOn") AS INTEGER),
                    SUM(CASE WHEN COALESCE(t."Kind", e."Kind") = 'Award' THEN e."Amount" ELSE 0 END),
                    -SUM(CASE WHEN COALESCE(t."Kind", e."Kind") = 'Deduction' THEN e."Amount" ELSE 0 END),
                    -SUM(CASE WHEN COALESCE(t."Kind", e."Kind") = 'Redemption' THEN e."Amount" ELSE 0 END),
                    SUM(e."Amount"), COUNT(*)
                FROM "LedgerEntries" e
                LEFT JOIN "LedgerEntries" t ON t."VillageId" = e."VillageId" AND t."Id" = e."ReversesEntryId"
                GROUP BY e."VillageId", e."HouseholdId", CAST(strftime('%Y%m', e."OccurredOn") AS INTEGER)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HouseholdMonthTotals");
        }
    }
}
