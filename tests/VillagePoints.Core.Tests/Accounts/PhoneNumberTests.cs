using VillagePoints.Core.Accounts;

namespace VillagePoints.Core.Tests.Accounts;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("13800138000", "13800138000")]
    [InlineData("138 0013 8000", "13800138000")]
    [InlineData("138-0013-8000", "13800138000")]
    [InlineData("１３８００１３８０００", "13800138000")]
    [InlineData("１３８　００１３　８０００", "13800138000")]
    [InlineData("+86 138 0013 8000", "13800138000")]
    [InlineData("8613800138000", "13800138000")]
    [InlineData(" 13800138000\u00a0", "13800138000")]
    public void Normalize_CommonWaysOfTypingAMobileNumber_GiveElevenDigits(string typed, string expected) =>
        Assert.Equal(expected, PhoneNumber.Normalize(typed));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("23800138000")]
    [InlineData("138001380001")]
    [InlineData("1380013800a")]
    [InlineData("<script>13800138000")]
    [InlineData("138😀00138000")]
    [InlineData("1380013800000000000000000000000000000000000000")]
    public void Normalize_AnythingElse_IsNull(string? typed) => Assert.Null(PhoneNumber.Normalize(typed));

    [Fact]
    public void Mask_ShowsOnlyTheFirstThreeAndLastFourDigits() => Assert.Equal("138****8000", PhoneNumber.Mask("13800138000"));
}
