using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Claims_ReviewNotificationsInspectionsActivities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ActivityId",
                table: "Claims",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "InspectionNumber",
                table: "Claims",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Activities",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<long>(type: "bigint", nullable: false),
                    Title = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    HeldOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Place = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RuleId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hours = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: false),
                    Capacity = table.Column<int>(type: "integer", nullable: false),
                    OrganiserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CheckInToken = table.Column<string>(type: "character varying(43)", maxLength: 43, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AttendeeCount = table.Column<int>(type: "integer", nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ConfirmedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CancelledBy = table.Column<Guid>(type: "uuid", nullable: true),
                    CancelledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CancelReason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Activities", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_Activities_Rules_VillageId_RuleId",
                        columns: x => new { x.VillageId, x.RuleId },
                        principalTable: "Rules",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Activities_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Notifications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    ClaimNumber = table.Column<long>(type: "bigint", nullable: false),
                    Points = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReadAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Notifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Notifications_UserAccounts_UserId",
                        column: x => x.UserId,
                        principalTable: "UserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Notifications_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ActivityAttendances",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ActivityId = table.Column<Guid>(type: "uuid", nullable: false),
                    HouseholdId = table.Column<Guid>(type: "uuid", nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: false),
                    Method = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CheckedInBy = table.Column<Guid>(type: "uuid", nullable: false),
                    CheckedInAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClaimNumber = table.Column<long>(type: "bigint", nullable: true),
                    NoClaimReason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ActivityAttendances", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_ActivityAttendances_Activities_VillageId_ActivityId",
                        columns: x => new { x.VillageId, x.ActivityId },
                        principalTable: "Activities",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ActivityAttendances_Households_VillageId_HouseholdId",
                        columns: x => new { x.VillageId, x.HouseholdId },
                        principalTable: "Households",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ActivityAttendances_People_VillageId_PersonId",
                        columns: x => new { x.VillageId, x.PersonId },
                        principalTable: "People",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Claims_VillageId_ActivityId",
                table: "Claims",
                columns: new[] { "VillageId", "ActivityId" });

            migrationBuilder.CreateIndex(
                name: "IX_Claims_VillageId_InspectionNumber",
                table: "Claims",
                columns: new[] { "VillageId", "InspectionNumber" });

            migrationBuilder.CreateIndex(
                name: "IX_Activities_VillageId_HeldOn",
                table: "Activities",
                columns: new[] { "VillageId", "HeldOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Activities_VillageId_Number",
                table: "Activities",
                columns: new[] { "VillageId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Activities_VillageId_RuleId",
                table: "Activities",
                columns: new[] { "VillageId", "RuleId" });

            migrationBuilder.CreateIndex(
                name: "IX_ActivityAttendances_VillageId_ActivityId_PersonId",
                table: "ActivityAttendances",
                columns: new[] { "VillageId", "ActivityId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ActivityAttendances_VillageId_HouseholdId",
                table: "ActivityAttendances",
                columns: new[] { "VillageId", "HouseholdId" });

            migrationBuilder.CreateIndex(
                name: "IX_ActivityAttendances_VillageId_PersonId",
                table: "ActivityAttendances",
                columns: new[] { "VillageId", "PersonId" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_UserId_ReadAt",
                table: "Notifications",
                columns: new[] { "UserId", "ReadAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_VillageId",
                table: "Notifications",
                column: "VillageId");

            migrationBuilder.AddForeignKey(
                name: "FK_Claims_Activities_VillageId_ActivityId",
                table: "Claims",
                columns: new[] { "VillageId", "ActivityId" },
                principalTable: "Activities",
                principalColumns: new[] { "VillageId", "Id" },
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Claims_Activities_VillageId_ActivityId",
                table: "Claims");

            migrationBuilder.DropTable(
                name: "ActivityAttendances");

            migrationBuilder.DropTable(
                name: "Notifications");

            migrationBuilder.DropTable(
                name: "Activities");

            migrationBuilder.DropIndex(
                name: "IX_Claims_VillageId_ActivityId",
                table: "Claims");

            migrationBuilder.DropIndex(
                name: "IX_Claims_VillageId_InspectionNumber",
                table: "Claims");

            migrationBuilder.DropColumn(
                name: "ActivityId",
                table: "Claims");

            migrationBuilder.DropColumn(
                name: "InspectionNumber",
                table: "Claims");
        }
    }
}
