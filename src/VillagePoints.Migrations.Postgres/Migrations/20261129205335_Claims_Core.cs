using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Claims_Core : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Claims",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<long>(type: "bigint", nullable: false),
                    Channel = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    HouseholdId = table.Column<Guid>(type: "uuid", nullable: false),
                    RuleId = table.Column<Guid>(type: "uuid", nullable: false),
                    RuleVersion = table.Column<int>(type: "integer", nullable: false),
                    OccurredOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Hours = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: true),
                    Difficulty = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Effect = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Points = table.Column<int>(type: "integer", nullable: false),
                    ExplanationZh = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    ExplanationEn = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SubmittedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FirstReviewedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    FirstReviewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FirstApproverId = table.Column<Guid>(type: "uuid", nullable: true),
                    ResolvedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    ResolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolutionReason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    EntryNumber = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Claims", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_Claims_Households_VillageId_HouseholdId",
                        columns: x => new { x.VillageId, x.HouseholdId },
                        principalTable: "Households",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Claims_Rules_VillageId_RuleId",
                        columns: x => new { x.VillageId, x.RuleId },
                        principalTable: "Rules",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Claims_VillageId_HouseholdId",
                table: "Claims",
                columns: new[] { "VillageId", "HouseholdId" });

            migrationBuilder.CreateIndex(
                name: "IX_Claims_VillageId_Number",
                table: "Claims",
                columns: new[] { "VillageId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Claims_VillageId_RuleId",
                table: "Claims",
                columns: new[] { "VillageId", "RuleId" });

            migrationBuilder.CreateIndex(
                name: "IX_Claims_VillageId_State_HouseholdId",
                table: "Claims",
                columns: new[] { "VillageId", "State", "HouseholdId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Claims");
        }
    }
}
