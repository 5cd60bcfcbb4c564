using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Notices_NoticesObjectionsLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Villages that adopted the app before this setting keep names masked on public pages, the safe choice.
            migrationBuilder.AddColumn<bool>(
                name: "MaskNamesInPublic",
                table: "Villages",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "RedBlackList",
                table: "Villages",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ObjectionNumber",
                table: "Notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "JobLeases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Holder = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JobLeases", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "Notices",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    HeadNumber = table.Column<long>(type: "INTEGER", nullable: false),
                    HeadHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PreviousMonth = table.Column<int>(type: "INTEGER", nullable: false),
                    PreviousHeadNumber = table.Column<long>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    PublishedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    WindowClosesAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    ClosedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    DocumentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Notices", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_Notices_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Objections",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EntryNumber = table.Column<long>(type: "INTEGER", nullable: false),
                    HouseholdId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NoticeMonth = table.Column<int>(type: "INTEGER", nullable: false),
                    RaisedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    RaisedByHouseholdId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    PhotoId = table.Column<Guid>(type: "TEXT", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RaisedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    DecidedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ReversalEntryNumber = table.Column<long>(type: "INTEGER", nullable: true),
                    CorrectionEntryNumber = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Objections", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_Objections_Households_VillageId_HouseholdId",
                        columns: x => new { x.VillageId, x.HouseholdId },
                        principalTable: "Households",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Objections_Households_VillageId_RaisedByHouseholdId",
                        columns: x => new { x.VillageId, x.RaisedByHouseholdId },
                        principalTable: "Households",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Objections_LedgerEntries_VillageId_EntryId",
                        columns: x => new { x.VillageId, x.EntryId },
                        principalTable: "LedgerEntries",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Objections_UserAccounts_RaisedBy",
                        column: x => x.RaisedBy,
                        principalTable: "UserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_VillageId_OccurredOn",
                table: "LedgerEntries",
                columns: new[] { "VillageId", "OccurredOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Notices_State_WindowClosesAt",
                table: "Notices",
                columns: new[] { "State", "WindowClosesAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notices_VillageId_Month",
                table: "Notices",
                columns: new[] { "VillageId", "Month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Objections_RaisedBy",
                table: "Objections",
                column: "RaisedBy");

            migrationBuilder.CreateIndex(
                name: "IX_Objections_VillageId_EntryId_RaisedByHouseholdId",
                table: "Objections",
                columns: new[] { "VillageId", "EntryId", "RaisedByHouseholdId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Objections_VillageId_HouseholdId",
                table: "Objections",
                columns: new[] { "VillageId", "HouseholdId" });

            migrationBuilder.CreateIndex(
                name: "IX_Objections_VillageId_Number",
                table: "Objections",
                columns: new[] { "VillageId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Objections_VillageId_RaisedByHouseholdId",
                table: "Objections",
                columns: new[] { "VillageId", "RaisedByHouseholdId" });

            migrationBuilder.CreateIndex(
                name: "IX_Objections_VillageId_State",
                table: "Objections",
                columns: new[] { "VillageId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "JobLeases");

            migrationBuilder.DropTable(
                name: "Notices");

            migrationBuilder.DropTable(
                name: "Objections");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_VillageId_OccurredOn",
                table: "LedgerEntries");

            migrationBuilder.DropColumn(
                name: "MaskNamesInPublic",
                table: "Villages");

            migrationBuilder.DropColumn(
                name: "RedBlackList",
                table: "Villages");

            migrationBuilder.DropColumn(
                name: "ObjectionNumber",
                table: "Notifications");
        }
    }
}
