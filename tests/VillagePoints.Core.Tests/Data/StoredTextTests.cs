using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Data;

public sealed class StoredTextTests
{
    [Fact]
    public void TextPeopleWrite_IsAllowed()
    {
        // Kept out of attributes: test discovery may mangle characters outside the basic plane.
        string[] texts =
        [
            "水心村一巷 3 号",
            "参与志愿服务（周六）, 清理卫生死角!",
            "\U0001F468\u200D\U0001F469\u200D\U0001F467 一家三口", // zero-width joiners hold the emoji together
            "葛\U000E0100", // an ideographic variation selector picks a name's glyph
            "\U00020BB7野家", // a character outside the basic plane
            "",
        ];
        foreach (var text in texts)
        {
            Assert.True(StoredText.IsAllowed(text), $"Expected \"{text}\" to be allowed.");
            Assert.Equal(text, StoredText.Check(text, "The text"));
        }
    }

    [Theory]
    [InlineData(0x0000)] // NUL
    [InlineData(0x0009)] // every C0 control, tab and line breaks too: stored fields are single lines
    [InlineData(0x000A)]
    [InlineData(0x007F)] // DEL
    [InlineData(0x0085)] // a C1 control
    [InlineData(0x202E)] // right-to-left override
    [InlineData(0x202A)] // left-to-right embedding
    [InlineData(0x2066)] // left-to-right isolate
    [InlineData(0x2069)] // pop directional isolate
    [InlineData(0x200F)] // right-to-left mark
    [InlineData(0x200B)] // zero-width space
    [InlineData(0xFEFF)] // zero-width no-break space
    [InlineData(0x00AD)] // soft hyphen
    [InlineData(0x2028)] // line separator
    [InlineData(0xE0041)] // a tag character, which can hide text
    [InlineData(0xFFFE)] // a noncharacter
    [InlineData(0xD800)] // a lone surrogate
    public void Text_WithControlOrInvisibleFormatting_IsRefused_AtItsPosition(int codePoint)
    {
        var character = codePoint is >= 0xD800 and <= 0xDFFF ? ((char)codePoint).ToString() : char.ConvertFromUtf32(codePoint);
        var text = "积分" + character + "10+";

        Assert.Equal(2, StoredText.IndexOfForbidden(text));
        var refused = Assert.Throws<DomainException>(() => StoredText.Check(text, "The reason"));
        Assert.Equal(StoredText.ForbiddenCode, refused.Code);
        Assert.StartsWith("The reason", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"U+{codePoint:X4} at position 3", refused.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SaveChanges_WithForbiddenTextInANewRow_WritesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 0);

        await using (var db = database.NewContext())
        {
            db.VillagerGroups.Add(new VillagerGroup { VillageId = v.VillageId, Id = Ids.New(), Number = 2, Name = "第二村民小组" });
            db.VillagerGroups.Add(new VillagerGroup { VillageId = v.VillageId, Id = Ids.New(), Number = 3, Name = "第三\u0000村民小组" });
            var refused = await Assert.ThrowsAsync<DomainException>(() => db.SaveChangesAsync());
            Assert.Equal(StoredText.ForbiddenCode, refused.Code);
            Assert.Contains("VillagerGroup.Name", refused.Message, StringComparison.Ordinal);
        }

        await using var check = database.NewContext();
        Assert.Equal(1, await check.VillagerGroups.CountAsync(g => g.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SaveChanges_JudgesOnlyChangedText_SoARowStoredBeforeTheRuleCanStillChange(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 1);
        var id = v.HouseholdIds[0];
        await using (var db = database.NewContext())
        {
            var legacy = "测试\u202E户";
            await db.Database.ExecuteSqlAsync($"UPDATE \"Households\" SET \"HeadName\" = {legacy} WHERE \"Id\" = {id}");
        }

        await using (var db = database.NewContext())
        {
            var household = await db.Households.SingleAsync(h => h.Id == id);
            household.Address = "水心村一巷 3 号";
            await db.SaveChangesAsync();

            household.HeadName = "测试\u2066户";
            var refused = await Assert.ThrowsAsync<DomainException>(() => db.SaveChangesAsync());
            Assert.Equal(StoredText.ForbiddenCode, refused.Code);
        }

        await using var check = database.NewContext();
        var stored = await check.Households.SingleAsync(h => h.Id == id);
        Assert.Equal(("测试\u202E户", "水心村一巷 3 号"), (stored.HeadName, stored.Address));
    }
}
