using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VillagePoints.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Shop_CatalogueStockCheckoutsVouchers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<TimeOnly>(
                name: "ShopClosesAt",
                table: "Villages",
                type: "TEXT",
                nullable: false,
                defaultValue: new TimeOnly(18, 0, 0));

            migrationBuilder.AddColumn<int>(
                name: "ShopDays",
                table: "Villages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 127);

            migrationBuilder.AddColumn<TimeOnly>(
                name: "ShopOpensAt",
                table: "Villages",
                type: "TEXT",
                nullable: false,
                defaultValue: new TimeOnly(8, 0, 0));

            migrationBuilder.CreateTable(
                name: "Checkouts",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<long>(type: "INTEGER", nullable: false),
                    HouseholdId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PointsSpent = table.Column<int>(type: "INTEGER", nullable: false),
                    BalanceAfter = table.Column<long>(type: "INTEGER", nullable: false),
                    OutsideShopHours = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReservationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OccurredOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    ClerkId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CancelledAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    CancelledBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    CancelReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Checkouts", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_Checkouts_Households_VillageId_HouseholdId",
                        columns: x => new { x.VillageId, x.HouseholdId },
                        principalTable: "Households",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Checkouts_UserAccounts_ClerkId",
                        column: x => x.ClerkId,
                        principalTable: "UserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Merchants",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Merchants", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_Merchants_UserAccounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "UserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Merchants_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Reservations",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<long>(type: "INTEGER", nullable: false),
                    HouseholdId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ReservedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReservedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    CheckoutId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reservations", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_Reservations_Households_VillageId_HouseholdId",
                        columns: x => new { x.VillageId, x.HouseholdId },
                        principalTable: "Households",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Reservations_UserAccounts_ReservedBy",
                        column: x => x.ReservedBy,
                        principalTable: "UserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ShopItems",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    NameZh = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    NameEn = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    PricePoints = table.Column<int>(type: "INTEGER", nullable: false),
                    LimitPerHousehold = table.Column<int>(type: "INTEGER", nullable: true),
                    LimitPeriod = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    PhotoId = table.Column<Guid>(type: "TEXT", nullable: true),
                    LowStockThreshold = table.Column<int>(type: "INTEGER", nullable: false),
                    Stock = table.Column<int>(type: "INTEGER", nullable: false),
                    Reserved = table.Column<int>(type: "INTEGER", nullable: false),
                    MovementCount = table.Column<long>(type: "INTEGER", nullable: false),
                    LastMovementHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    VoucherValidDays = table.Column<int>(type: "INTEGER", nullable: true),
                    SettlementPriceFen = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShopItems", x => new { x.VillageId, x.Id });
                    table.CheckConstraint("CK_ShopItems_StockInRange", "\"Stock\" >= 0 AND \"Reserved\" >= 0 AND \"Reserved\" <= \"Stock\"");
                    table.ForeignKey(
                        name: "FK_ShopItems_Merchants_VillageId_MerchantId",
                        columns: x => new { x.VillageId, x.MerchantId },
                        principalTable: "Merchants",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ShopItems_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CheckoutLines",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CheckoutId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineNo = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitPoints = table.Column<int>(type: "INTEGER", nullable: false),
                    Points = table.Column<int>(type: "INTEGER", nullable: false),
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReversalEntryId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckoutLines", x => new { x.VillageId, x.CheckoutId, x.LineNo });
                    table.ForeignKey(
                        name: "FK_CheckoutLines_Checkouts_VillageId_CheckoutId",
                        columns: x => new { x.VillageId, x.CheckoutId },
                        principalTable: "Checkouts",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CheckoutLines_LedgerEntries_VillageId_EntryId",
                        columns: x => new { x.VillageId, x.EntryId },
                        principalTable: "LedgerEntries",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CheckoutLines_LedgerEntries_VillageId_ReversalEntryId",
                        columns: x => new { x.VillageId, x.ReversalEntryId },
                        principalTable: "LedgerEntries",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CheckoutLines_ShopItems_VillageId_ItemId",
                        columns: x => new { x.VillageId, x.ItemId },
                        principalTable: "ShopItems",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ReservationLines",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReservationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineNo = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitPoints = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReservationLines", x => new { x.VillageId, x.ReservationId, x.LineNo });
                    table.ForeignKey(
                        name: "FK_ReservationLines_Reservations_VillageId_ReservationId",
                        columns: x => new { x.VillageId, x.ReservationId },
                        principalTable: "Reservations",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ReservationLines_ShopItems_VillageId_ItemId",
                        columns: x => new { x.VillageId, x.ItemId },
                        principalTable: "ShopItems",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "StockMovements",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    StockAfter = table.Column<int>(type: "INTEGER", nullable: false),
                    CostFen = table.Column<long>(type: "INTEGER", nullable: true),
                    Counterparty = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CheckoutId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OccurredOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StockMovements", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_StockMovements_ShopItems_VillageId_ItemId",
                        columns: x => new { x.VillageId, x.ItemId },
                        principalTable: "ShopItems",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_StockMovements_UserAccounts_RecordedBy",
                        column: x => x.RecordedBy,
                        principalTable: "UserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Vouchers",
                columns: table => new
                {
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CheckoutId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineNo = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HouseholdId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ValidUntil = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    SettlementPriceFen = table.Column<long>(type: "INTEGER", nullable: false),
                    IssuedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    HonouredAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    HonouredBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    SettlementMonth = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Vouchers", x => new { x.VillageId, x.Id });
                    table.ForeignKey(
                        name: "FK_Vouchers_Checkouts_VillageId_CheckoutId",
                        columns: x => new { x.VillageId, x.CheckoutId },
                        principalTable: "Checkouts",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Vouchers_Households_VillageId_HouseholdId",
                        columns: x => new { x.VillageId, x.HouseholdId },
                        principalTable: "Households",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Vouchers_Merchants_VillageId_MerchantId",
                        columns: x => new { x.VillageId, x.MerchantId },
                        principalTable: "Merchants",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Vouchers_ShopItems_VillageId_ItemId",
                        columns: x => new { x.VillageId, x.ItemId },
                        principalTable: "ShopItems",
                        principalColumns: new[] { "VillageId", "Id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CheckoutLines_VillageId_EntryId",
                table: "CheckoutLines",
                columns: new[] { "VillageId", "EntryId" });

            migrationBuilder.CreateIndex(
                name: "IX_CheckoutLines_VillageId_ItemId",
                table: "CheckoutLines",
                columns: new[] { "VillageId", "ItemId" });

            migrationBuilder.CreateIndex(
                name: "IX_CheckoutLines_VillageId_ReversalEntryId",
                table: "CheckoutLines",
                columns: new[] { "VillageId", "ReversalEntryId" });

            migrationBuilder.CreateIndex(
                name: "IX_Checkouts_ClerkId",
                table: "Checkouts",
                column: "ClerkId");

            migrationBuilder.CreateIndex(
                name: "IX_Checkouts_VillageId_HouseholdId_OccurredOn",
                table: "Checkouts",
                columns: new[] { "VillageId", "HouseholdId", "OccurredOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Checkouts_VillageId_Number",
                table: "Checkouts",
                columns: new[] { "VillageId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Checkouts_VillageId_OccurredOn",
                table: "Checkouts",
                columns: new[] { "VillageId", "OccurredOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Merchants_AccountId",
                table: "Merchants",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_Merchants_VillageId_Code",
                table: "Merchants",
                columns: new[] { "VillageId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReservationLines_VillageId_ItemId",
                table: "ReservationLines",
                columns: new[] { "VillageId", "ItemId" });

            migrationBuilder.CreateIndex(
                name: "IX_Reservations_ReservedBy",
                table: "Reservations",
                column: "ReservedBy");

            migrationBuilder.CreateIndex(
                name: "IX_Reservations_State_ExpiresAt",
                table: "Reservations",
                columns: new[] { "State", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Reservations_VillageId_HouseholdId",
                table: "Reservations",
                columns: new[] { "VillageId", "HouseholdId" });

            migrationBuilder.CreateIndex(
                name: "IX_Reservations_VillageId_Number",
                table: "Reservations",
                columns: new[] { "VillageId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ShopItems_VillageId_Code",
                table: "ShopItems",
                columns: new[] { "VillageId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ShopItems_VillageId_MerchantId",
                table: "ShopItems",
                columns: new[] { "VillageId", "MerchantId" });

            migrationBuilder.CreateIndex(
                name: "IX_StockMovements_RecordedBy",
                table: "StockMovements",
                column: "RecordedBy");

            migrationBuilder.CreateIndex(
                name: "IX_StockMovements_VillageId_CheckoutId",
                table: "StockMovements",
                columns: new[] { "VillageId", "CheckoutId" });

            migrationBuilder.CreateIndex(
                name: "IX_StockMovements_VillageId_ItemId_Sequence",
                table: "StockMovements",
                columns: new[] { "VillageId", "ItemId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StockMovements_VillageId_Kind_OccurredOn",
                table: "StockMovements",
                columns: new[] { "VillageId", "Kind", "OccurredOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_Code",
                table: "Vouchers",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_VillageId_CheckoutId",
                table: "Vouchers",
                columns: new[] { "VillageId", "CheckoutId" });

            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_VillageId_HouseholdId",
                table: "Vouchers",
                columns: new[] { "VillageId", "HouseholdId" });

            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_VillageId_ItemId",
                table: "Vouchers",
                columns: new[] { "VillageId", "ItemId" });

            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_VillageId_MerchantId_SettlementMonth",
                table: "Vouchers",
                columns: new[] { "VillageId", "MerchantId", "SettlementMonth" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CheckoutLines");

            migrationBuilder.DropTable(
                name: "ReservationLines");

            migrationBuilder.DropTable(
                name: "StockMovements");

            migrationBuilder.DropTable(
                name: "Vouchers");

            migrationBuilder.DropTable(
                name: "Reservations");

            migrationBuilder.DropTable(
                name: "Checkouts");

            migrationBuilder.DropTable(
                name: "ShopItems");

            migrationBuilder.DropTable(
                name: "Merchants");

            migrationBuilder.DropColumn(
                name: "ShopClosesAt",
                table: "Villages");

            migrationBuilder.DropColumn(
                name: "ShopDays",
                table: "Villages");

            migrationBuilder.DropColumn(
                name: "ShopOpensAt",
                table: "Villages");
        }
    }
}
