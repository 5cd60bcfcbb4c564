using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DirectRecords_OneIdempotencyStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DirectRecords_VillageId_IdempotencyKey",
                table: "DirectRecords");

            migrationBuilder.DropIndex(
                name: "IX_DirectRecords_VillageId_ResolutionKey",
                table: "DirectRecords");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "DirectRecords");

            migrationBuilder.DropColumn(
                name: "RequestHash",
                table: "DirectRecords");

            migrationBuilder.DropColumn(
                name: "ResolutionKey",
                table: "DirectRecords");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "DirectRecords",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RequestHash",
                table: "DirectRecords",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ResolutionKey",
                table: "DirectRecords",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_DirectRecords_VillageId_IdempotencyKey",
                table: "DirectRecords",
                columns: new[] { "VillageId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DirectRecords_VillageId_ResolutionKey",
                table: "DirectRecords",
                columns: new[] { "VillageId", "ResolutionKey" },
                unique: true);
        }
    }
}
