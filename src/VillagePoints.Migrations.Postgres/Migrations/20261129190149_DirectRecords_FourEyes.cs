using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DirectRecords_FourEyes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Villages that exist already get the same maximum a new village starts with.
            migrationBuilder.AddColumn<int>(
                name: "MaxDirectRecordAmount",
                table: "Villages",
                type: "integer",
                nullable: false,
                defaultValue: 100);

            migrationBuilder.CreateTable(
                name: "DirectRecords",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<long>(type: "bigint", nullable: false),
                    HouseholdId = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    OccurredOn = table.Column<DateOnly>(type: "date", nullable: true),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SubmittedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ResolvedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    ResolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolutionNote = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    EntryNumber = table.Column<long>(type: "bigint", nullable: true),
                    IdempotencyKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResolutionKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DirectRecords", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_DirectRecords_Households_VillageId_HouseholdId",
                        columns: x => new { x.VillageId, x.HouseholdId },
                        principalTable: "Households",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DirectRecords_VillageId_HouseholdId",
                table: "DirectRecords",
                columns: new[] { "VillageId", "HouseholdId" });

            migrationBuilder.CreateIndex(
                name: "IX_DirectRecords_VillageId_IdempotencyKey",
                table: "DirectRecords",
                columns: new[] { "VillageId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DirectRecords_VillageId_Number",
                table: "DirectRecords",
                columns: new[] { "VillageId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DirectRecords_VillageId_ResolutionKey",
                table: "DirectRecords",
                columns: new[] { "VillageId", "ResolutionKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DirectRecords_VillageId_State_HouseholdId",
                table: "DirectRecords",
                columns: new[] { "VillageId", "State", "HouseholdId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DirectRecords");

            migrationBuilder.DropColumn(
                name: "MaxDirectRecordAmount",
                table: "Villages");
        }
    }
}
