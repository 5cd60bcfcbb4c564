using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Rules_Catalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RuleCategories",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    NameZh = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    NameEn = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    SortOrder = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RuleCategories", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_RuleCategories_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Rules",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CategoryId = table.Column<Guid>(type: "uuid", nullable: false),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    NameZh = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    NameEn = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Direction = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    RetiredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RetiredBy = table.Column<Guid>(type: "uuid", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Rules", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_Rules_RuleCategories_VillageId_CategoryId",
                        columns: x => new { x.VillageId, x.CategoryId },
                        principalTable: "RuleCategories",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RuleVersions",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    RuleId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    EffectiveFrom = table.Column<DateOnly>(type: "date", nullable: false),
                    BasePoints = table.Column<int>(type: "integer", nullable: false),
                    PointsPerHour = table.Column<decimal>(type: "numeric(9,2)", precision: 9, scale: 2, nullable: true),
                    HourStep = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    HoursRounding = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    DifficultyLevels = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    EffectLevels = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    CapPerDay = table.Column<int>(type: "integer", nullable: true),
                    CapPerMonth = table.Column<int>(type: "integer", nullable: true),
                    CapPerYear = table.Column<int>(type: "integer", nullable: true),
                    Channels = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    EvidenceRequired = table.Column<bool>(type: "boolean", nullable: false),
                    HonourPoints = table.Column<bool>(type: "boolean", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PublishedBy = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RuleVersions", x => new { x.VillageId, x.RuleId, x.Number });
                    table.ForeignKey(
                        name: "FK_RuleVersions_Rules_VillageId_RuleId",
                        columns: x => new { x.VillageId, x.RuleId },
                        principalTable: "Rules",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RuleCategories_VillageId_Code",
                table: "RuleCategories",
                columns: new[] { "VillageId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Rules_VillageId_CategoryId",
                table: "Rules",
                columns: new[] { "VillageId", "CategoryId" });

            migrationBuilder.CreateIndex(
                name: "IX_Rules_VillageId_Code",
                table: "Rules",
                columns: new[] { "VillageId", "Code" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RuleVersions");

            migrationBuilder.DropTable(
                name: "Rules");

            migrationBuilder.DropTable(
                name: "RuleCategories");
        }
    }
}
