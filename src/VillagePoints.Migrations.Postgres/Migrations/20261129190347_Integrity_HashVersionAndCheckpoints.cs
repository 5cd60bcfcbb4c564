using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Integrity_HashVersionAndCheckpoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "HashVersion",
                table: "LedgerEntries",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.CreateTable(
                name: "LedgerCheckpoints",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    EntryNumber = table.Column<long>(type: "bigint", nullable: false),
                    HeadHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SignedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    KeyId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Signature = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LedgerCheckpoints", x => new { x.VillageId, x.Number });
                    table.ForeignKey(
                        name: "FK_LedgerCheckpoints_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerCheckpoints_VillageId_EntryNumber",
                table: "LedgerCheckpoints",
                columns: new[] { "VillageId", "EntryNumber" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LedgerCheckpoints");

            migrationBuilder.DropColumn(
                name: "HashVersion",
                table: "LedgerEntries");
        }
    }
}
