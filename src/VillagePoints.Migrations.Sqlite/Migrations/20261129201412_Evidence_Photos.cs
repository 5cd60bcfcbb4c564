using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Evidence_Photos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EvidencePhotos",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerKind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    OwnerRef = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ContentKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ThumbnailKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Width = table.Column<int>(type: "INTEGER", nullable: false),
                    Height = table.Column<int>(type: "INTEGER", nullable: false),
                    ByteSize = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OriginalType = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    UploadedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    UploadedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidencePhotos", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_EvidencePhotos_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EvidencePhotos_VillageId_OwnerKind_OwnerRef",
                table: "EvidencePhotos",
                columns: new[] { "VillageId", "OwnerKind", "OwnerRef" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EvidencePhotos");
        }
    }
}
